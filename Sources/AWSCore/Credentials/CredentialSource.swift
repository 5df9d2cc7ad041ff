#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging

/// What every credential source reads from: the environment, the shared files, and the network
/// (for STS, the SSO portal, the container endpoint and IMDS).
public struct CredentialContext: Sendable {
    /// The variables each source reads (`AWS_PROFILE`, `AWS_ROLE_ARN`, `AWS_CONTAINER_…`, endpoints).
    public var environment: [String: String]
    /// `~/.aws/config` and `~/.aws/credentials`, as `environment` locates them.
    public var files: SharedConfigFiles
    /// How STS, the SSO portal, the container endpoint and IMDS are reached.
    public var transport: any HTTPTransport
    /// The retry policy of the STS calls that sources make.
    public var retry: RetryPolicy
    /// The logger handed to the STS clients that sources create.
    public var logger: Logger

    /// Creates a context, locating the shared files from `environment`.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment, transport: any HTTPTransport = AsyncHTTPClientTransport(),
        retry: RetryPolicy = .standard, logger: Logger = Logger(label: "aws.credentials")
    ) {
        self.environment = environment
        files = SharedConfigFiles(environment: environment)
        self.transport = transport
        self.retry = retry
        self.logger = logger
    }

    /// STS is regional; with no region configured, the SDKs' fallback is us-east-1.
    var stsRegion: Region { (try? RegionResolver.resolve(environment: environment)) ?? "us-east-1" }
}

/// One place credentials may come from, in the chain's order.
public protocol CredentialSource: Sendable {
    /// How the chain names it when nothing was found.
    var name: String { get }
    /// Credentials, or nil when this source is not configured here (the chain goes on); throws
    /// when it is configured and fails (the chain stops: a broken profile must not silently fall
    /// through to some other identity).
    func resolve() async throws -> AWSCredentials?
}
