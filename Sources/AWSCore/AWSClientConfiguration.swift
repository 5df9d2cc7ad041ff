#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging

/// What every service client shares: region, credentials, endpoints, transport, retries, logger.
public struct AWSClientConfiguration: Sendable {
    /// The region requests are signed for and whose default endpoints are used, e.g. `eu-west-1`.
    public var region: Region
    /// Where signing credentials come from; asked again for each request, so it should cache.
    public var credentials: any CredentialsProvider
    /// Where endpoint overrides (`AWS_ENDPOINT_URL…`) are read from.
    public var environment: [String: String]
    /// How requests reach the network; a test can substitute its own.
    public var transport: any HTTPTransport
    /// Which failures are retried and how long to back off between attempts.
    public var retry: RetryPolicy
    /// The time one attempt may take, connection included.
    public var timeout: Duration
    /// Receives debug lines such as retries.
    public var logger: Logger

    /// Creates a configuration; everything but region and credentials has a production default.
    public init(
        region: Region, credentials: any CredentialsProvider, environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: any HTTPTransport = AsyncHTTPClientTransport(), retry: RetryPolicy = .standard,
        timeout: Duration = .seconds(30), logger: Logger = Logger(label: "aws")
    ) {
        self.region = region
        self.credentials = credentials
        self.environment = environment
        self.transport = transport
        self.retry = retry
        self.timeout = timeout
        self.logger = logger
    }

    /// Region and credentials the way the AWS CLI finds them.
    public static func fromEnvironment(
        _ environment: [String: String] = ProcessInfo.processInfo.environment,
        transport: any HTTPTransport = AsyncHTTPClientTransport(),
        logger: Logger = Logger(label: "aws")
    ) throws -> AWSClientConfiguration {
        AWSClientConfiguration(
            region: try RegionResolver.resolve(environment: environment),
            credentials: DefaultCredentialsChain(environment: environment, transport: transport, logger: logger),
            environment: environment, transport: transport, logger: logger)
    }
}
