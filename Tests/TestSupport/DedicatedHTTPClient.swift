import AsyncHTTPClient
import AWSCore
import NIOPosix

extension Moto {
    /// Runs `body` with a moto configuration on an HTTP client of its own, shut down after.
    ///
    /// For a test that holds many connections at once (parallel SQS long polls, 20 s each), as that
    /// many separate test processes would: on the process's shared client they would take the pool's
    /// connections to moto from every other test running beside them.
    public static func withDedicatedHTTPClient<T>(_ body: (AWSClientConfiguration) async throws -> T) async throws -> T {
        var settings = HTTPClient.Configuration()
        settings.timeout = .init(connect: .seconds(10))
        settings.connectionPool.retryConnectionEstablishment = false
        settings.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        let client = HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: settings)
        do {
            let result = try await body(try configuration(transport: AsyncHTTPClientTransport(client: client)))
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}

extension Moto {
    /// The test process's client for its own calls to moto, apart from the production one
    /// (`HTTPClient.aws`, which the built Lambdas and CLI use in their own processes). Every suite
    /// starts at once and moto answers slowly then, with long polls holding connections for
    /// seconds: the pool is sized for that, so that no test's call waits for a connection.
    public static let longPollClient: HTTPClient = {
        var settings = HTTPClient.Configuration()
        settings.timeout = .init(connect: .seconds(10))
        settings.connectionPool.retryConnectionEstablishment = false
        settings.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 256
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: settings)
    }()

    /// A moto configuration on ``longPollClient``: suites whose waits hold connections for seconds
    /// at a time use it, so that the shared client's pool stays free for the tests running beside them.
    public static func longPollConfiguration() throws -> AWSClientConfiguration {
        try configuration(transport: isolatedTransport())
    }

    /// A transport on that client: for tests whose one real attempt must not queue behind the
    /// shared pool while every suite starts at once (the retry tests).
    public static func isolatedTransport() -> AsyncHTTPClientTransport {
        AsyncHTTPClientTransport(client: longPollClient)
    }
}
