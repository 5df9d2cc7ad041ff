import Foundation
import Logging

/// What every service client shares: region, credentials, endpoints, transport, retries, logger.
public struct AWSClientConfiguration: Sendable {
    public var region: String
    public var credentials: any CredentialsProvider
    /// Where endpoint overrides (`AWS_ENDPOINT_URL…`) are read from.
    public var environment: [String: String]
    public var transport: any HTTPTransport
    public var retry: RetryPolicy
    /// The time one attempt may take, connection included.
    public var timeout: Duration
    public var logger: Logger

    public init(region: String, credentials: any CredentialsProvider, environment: [String: String] = ProcessInfo.processInfo.environment,
                transport: any HTTPTransport = AsyncHTTPClientTransport(), retry: RetryPolicy = .standard,
                timeout: Duration = .seconds(30), logger: Logger = Logger(label: "aws")) {
        self.region = region
        self.credentials = credentials
        self.environment = environment
        self.transport = transport
        self.retry = retry
        self.timeout = timeout
        self.logger = logger
    }

    /// Region and credentials the way the AWS CLI finds them.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment,
                                       transport: any HTTPTransport = AsyncHTTPClientTransport(),
                                       logger: Logger = Logger(label: "aws")) throws -> AWSClientConfiguration {
        AWSClientConfiguration(region: try RegionResolver.resolve(environment: environment),
                               credentials: DefaultCredentialsChain(environment: environment, transport: transport, logger: logger),
                               environment: environment, transport: transport, logger: logger)
    }
}
