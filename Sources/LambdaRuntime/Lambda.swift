#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import Logging
import NIOPosix

/// The entry point of a Lambda executable (`bootstrap`).
///
/// ```swift
/// // main.swift
/// Lambda.main { setUp in
///     let table = try setUp.environment.required("TABLE_NAME")
///     return MyHandler(table: table)
/// }
/// ```
public enum Lambda {
    /// ``run(_:)`` for a `bootstrap` that ships: call it from top-level code without `await`.
    ///
    /// An `async` main on Linux ends the main thread with `dispatch_main()`, that is with
    /// `pthread_exit`, and glibc's `pthread_exit` loads `libgcc_s.so.1` for its unwinding. Lambda's
    /// `provided.al2023` promises no libgcc_s, so a bootstrap with an async main aborts there
    /// ("libgcc_s.so.1 must be installed for pthread_exit to work"). Here the main thread parks
    /// instead, and the runtime loop, on the concurrency pool, ends the process itself.
    public static func main<Handler: LambdaHandler>(
        _ setUp: @escaping @Sendable (InitializationContext) async throws -> Handler
    ) -> Never {
        Task.detached { await run(setUp) }
        while true { pause() }
    }

    /// Installs JSON logging on stdout, connects to `AWS_LAMBDA_RUNTIME_API`, runs the
    /// set-up closure, then serves invocations until the process is stopped.
    ///
    /// Set-up failure is posted to `…/init/error` and the process exits with status 1;
    /// so does any Runtime API failure (Lambda then starts a fresh environment).
    public static func run<Handler: LambdaHandler>(
        _ setUp: (InitializationContext) async throws -> Handler
    ) async -> Never {
        let environment = LambdaEnvironment.process
        let level =
            (environment["AWS_LAMBDA_LOG_LEVEL"] ?? environment["LOG_LEVEL"])
            .flatMap(Logger.Level.init(lambdaName:)) ?? .info
        LoggingSystem.bootstrap { _ in JSONLogHandler(level: level) }
        let logger = Logger(label: "lambda")

        guard let endpointText = environment[RuntimeAPI.endpointVariable],
            let endpoint = RuntimeAPIEndpoint(endpointText)
        else {
            // Without the endpoint there is nobody to post an init error to.
            logger.critical("\(RuntimeAPI.endpointVariable) is not set to host:port; not running inside Lambda?")
            Platform.exit(1)
        }

        // One event loop thread: the runtime makes one request at a time, and every
        // extra thread is start-up cost.
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            try await HTTPRuntimeAPIClient.withConnection(to: endpoint, group: group) { client in
                let loop = try await RuntimeLoop.initialize(
                    client: &client,
                    context: InitializationContext(environment: environment, logger: logger),
                    setUp: setUp
                )
                try await loop.run(client: &client)
            }
        } catch is InitializationFailed {
            Platform.exit(1)
        } catch {
            logger.critical("Runtime API failure", metadata: ["error": .string(String(describing: error))])
            Platform.exit(1)
        }
        Platform.exit(0)
    }
}
