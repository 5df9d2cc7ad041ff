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

/// The environment's `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and `AWS_SESSION_TOKEN`
/// (which is what Lambda gives a function).
public struct EnvironmentCredentialsProvider: CredentialsProvider {
    /// The variables the keys are read from.
    public let environment: [String: String]
    /// Creates a provider over `environment`, the process's own by default.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.environment = environment
    }

    /// Returns nil when neither variable is set, so a chain can go on to the next source.
    public func resolve() throws -> AWSCredentials? {
        try AWSCredentials.pair(
            from: environment, keyId: "AWS_ACCESS_KEY_ID", secret: "AWS_SECRET_ACCESS_KEY", token: "AWS_SESSION_TOKEN", source: "environment")
    }

    /// Returns the environment's keys.
    /// - Throws: `AWSConfigurationError.missingCredentials` when neither key is set,
    ///   `.incompleteCredentials` when only one is.
    public func credentials() async throws -> AWSCredentials {
        guard let found = try resolve() else { throw AWSConfigurationError.missingCredentials(triedSources: ["environment"]) }
        return found
    }
}

/// The shared `~/.aws/credentials` and `~/.aws/config` files, for the profile named by `AWS_PROFILE`.
public struct ProfileCredentialsProvider: CredentialsProvider {
    /// The shared files and the profile selected in them.
    public let files: SharedConfigFiles

    /// Creates a provider reading the profile's static keys from `files`.
    public init(files: SharedConfigFiles) { self.files = files }

    /// Returns nil when the profile has no keys in either file.
    public func resolve() throws -> AWSCredentials? {
        try Self.staticKeys(in: files.profileSettings(), profile: files.profile)
    }

    static func staticKeys(in settings: [String: String], profile: String) throws -> AWSCredentials? {
        try AWSCredentials.pair(
            from: settings, keyId: "aws_access_key_id", secret: "aws_secret_access_key", token: "aws_session_token",
            source: "profile \(profile)")
    }

    /// Returns the profile's `aws_access_key_id`/`aws_secret_access_key` pair.
    /// - Throws: `AWSConfigurationError.missingCredentials` naming both files when the profile has no keys.
    public func credentials() async throws -> AWSCredentials {
        guard let found = try resolve() else {
            throw AWSConfigurationError.missingCredentials(triedSources: ["profile \(files.profile) in \(files.credentialsPath) and \(files.configPath)"])
        }
        return found
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
