#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An AWS access key pair, optionally with the session token of temporary credentials.
public struct AWSCredentials: Sendable, Equatable {
    /// The access key id, sent in the clear in the SigV4 `Credential` scope.
    public var accessKeyId: String
    /// The secret key that derives the signing key; never sent or printed.
    public var secretAccessKey: String
    /// The session token of temporary credentials (sent as `X-Amz-Security-Token`); nil for long-term keys.
    public var sessionToken: String?
    /// When temporary credentials stop working; nil for long-term keys.
    public var expiration: Date?

    /// Creates credentials; leave `sessionToken` and `expiration` nil for long-term keys.
    public init(accessKeyId: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Date? = nil) {
        self.accessKeyId = accessKeyId
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
        self.expiration = expiration
    }
}

extension AWSCredentials: CustomStringConvertible {
    /// Never prints the secret or the token: credentials end up in logs by accident otherwise.
    public var description: String {
        "AWSCredentials(accessKeyId: \(accessKeyId), secretAccessKey: <redacted>\(sessionToken == nil ? "" : ", sessionToken: <redacted>"))"
    }
}

/// Something that can produce credentials for signing requests.
public protocol CredentialsProvider: Sendable {
    /// Returns credentials, or throws ``AWSConfigurationError`` saying what to set.
    func credentials() async throws -> AWSCredentials
}

/// Credentials fixed at construction; for tests and for callers that resolved them elsewhere.
public struct StaticCredentialsProvider: CredentialsProvider {
    /// The credentials every call returns.
    public let value: AWSCredentials
    /// Creates a provider that always returns `value`.
    public init(_ value: AWSCredentials) { self.value = value }
    /// Returns ``value``; never throws.
    public func credentials() async throws -> AWSCredentials { value }
}

/// No credentials: requests go unsigned. For the calls whose input is the proof of identity
/// (STS AssumeRoleWithWebIdentity), which AWS takes without a signature.
public struct AnonymousCredentialsProvider: CredentialsProvider {
    /// Creates the provider; it has no state.
    public init() {}
    /// Always throws `AWSConfigurationError.credentialSourceFailed`: the client sends such requests unsigned.
    public func credentials() async throws -> AWSCredentials {
        throw AWSConfigurationError.credentialSourceFailed(source: "anonymous", problem: "an unsigned request has no credentials")
    }
}

extension AWSCredentials {
    /// A key pair from a settings map: nil when both halves are absent, an error naming the
    /// missing half when only one is there.
    static func pair(from settings: [String: String], keyId keyIdName: String, secret secretName: String, token tokenName: String, source: String) throws
        -> AWSCredentials?
    {
        switch (settings[keyIdName].nonEmpty, settings[secretName].nonEmpty) {
        case (nil, nil): return nil
        case let (keyId?, secret?): return AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: settings[tokenName].nonEmpty)
        case (nil, _): throw AWSConfigurationError.incompleteCredentials(source: source, missing: keyIdName)
        case (_, nil): throw AWSConfigurationError.incompleteCredentials(source: source, missing: secretName)
        }
    }
}

extension Optional where Wrapped == String {
    /// Treats an empty variable as unset, as the AWS SDKs do.
    var nonEmpty: String? {
        switch self {
        case let value? where !value.isEmpty: value
        default: nil
        }
    }
}
