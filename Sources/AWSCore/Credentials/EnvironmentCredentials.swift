#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `AWS_ACCESS_KEY_ID` and friends.
struct EnvironmentSource: CredentialSource {
    let context: CredentialContext
    var name: String { "environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)" }
    func resolve() async throws -> AWSCredentials? {
        try EnvironmentCredentialsProvider(environment: context.environment).resolve()
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
