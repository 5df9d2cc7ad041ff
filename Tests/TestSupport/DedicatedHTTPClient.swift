import AsyncHTTPClient
import AWSCore
import NIOPosix

extension Moto {
    /// The test process's client for its own calls to moto, apart from the production one
    /// (`HTTPClient.aws`, which the built Lambdas and CLI use in their own processes). Every suite
    /// starts at once and moto answers slowly then, with long polls holding connections for
    /// seconds: the pool is sized for that, so that no test's call waits for a connection.
    public static let testClient = makeClient(connectionsPerHost: 256)

    /// A transport on ``testClient``: what ``configuration(region:credentials:endpointVariable:transport:retry:)``
    /// and the fault-injecting transports use unless told otherwise.
    public static func testTransport() -> AsyncHTTPClientTransport {
        AsyncHTTPClientTransport(client: testClient)
    }

    /// Runs `body` with a moto configuration on an HTTP client of its own, shut down after.
    ///
    /// For a test that holds many connections at once (parallel SQS long polls, 20 s each), as that
    /// many separate test processes would: on the test process's client they would take the pool's
    /// connections to moto from every other test running beside them.
    public static func withDedicatedHTTPClient<T>(_ body: (AWSClientConfiguration) async throws -> T) async throws -> T {
        let client = makeClient(connectionsPerHost: 64)
        do {
            let result = try await body(try configuration(transport: AsyncHTTPClientTransport(client: client)))
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Set up as `HTTPClient.aws` is (connect timeout, no connection retry), with its own pool size.
    static func makeClient(connectionsPerHost: Int) -> HTTPClient {
        var settings = HTTPClient.Configuration()
        settings.timeout = .init(connect: .seconds(10))
        settings.connectionPool.retryConnectionEstablishment = false
        settings.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connectionsPerHost
        return HTTPClient(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, configuration: settings)
    }
}
