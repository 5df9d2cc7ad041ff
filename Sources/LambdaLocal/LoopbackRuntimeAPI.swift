#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import NIOCore
import NIOHTTP1
import NIOPosix
import LambdaRuntime

/// A Lambda Runtime API served on loopback: what the Lambda service does for a
/// runtime, without Lambda — for `smsredirect invoke` and for tests.
///
/// It queues events, answers `GET next` (long-polling until an event is queued),
/// and turns the runtime's `response` / `error` / `init/error` posts into an
/// ``InvocationOutcome`` for the caller of ``invoke(event:deadline:traceID:)``.
///
/// ```swift
/// let api = try await LoopbackRuntimeAPI.start()
/// // run a bootstrap with AWS_LAMBDA_RUNTIME_API = api.endpoint.description …
/// let outcome = await api.invoke(event: Data(#"{"a":1}"#.utf8), timeout: .seconds(3))
/// await api.shutdown()
/// ```
public final class LoopbackRuntimeAPI: Sendable {
    /// The function ARN sent in `Lambda-Runtime-Invoked-Function-Arn`.
    public let functionARN: String
    /// Where the server listens; pass `endpoint.description` as `AWS_LAMBDA_RUNTIME_API`.
    public let endpoint: RuntimeAPIEndpoint
    private let serverChannel: any Channel
    private let state: LoopbackState

    /// The bound port (ephemeral when started with port 0).
    public var port: Int { endpoint.port }

    private init(functionARN: String, endpoint: RuntimeAPIEndpoint, serverChannel: any Channel, state: LoopbackState) {
        self.functionARN = functionARN
        self.endpoint = endpoint
        self.serverChannel = serverChannel
        self.state = state
    }

    /// Starts listening on `host:port` (port 0 picks a free one).
    public static func start(
        host: String = "127.0.0.1",
        port: Int = 0,
        functionARN: String = "arn:aws:lambda:us-east-1:000000000000:function:smsredirect-local",
        group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton
    ) async throws -> LoopbackRuntimeAPI {
        let state = LoopbackState()
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(LoopbackHTTPHandler(state: state))
                }
            }
            .bind(host: host, port: port)
            .get()
        guard let boundPort = channel.localAddress?.port else {
            try? await channel.close()
            throw ChannelError.unknownLocalAddress
        }
        return LoopbackRuntimeAPI(
            functionARN: functionARN,
            endpoint: RuntimeAPIEndpoint(host: host, port: boundPort),
            serverChannel: channel,
            state: state
        )
    }

    /// Queues `event` and waits for its outcome.
    ///
    /// - Parameters:
    ///   - deadline: sent as `Lambda-Runtime-Deadline-Ms`; when it passes without an
    ///     answer the outcome is ``InvocationOutcome/timedOut``.
    ///   - traceID: sent as `Lambda-Runtime-Trace-Id`; a fresh X-Ray header when nil.
    ///   - requestID: a fresh UUID when nil.
    public func invoke(
        event: Data,
        deadline: Date,
        traceID: String? = nil,
        requestID: String? = nil
    ) async -> InvocationOutcome {
        let deadlineMilliseconds = Int64((deadline.timeIntervalSince1970 * 1000).rounded())
        let invocation = Invocation(
            requestID: requestID ?? UUID().uuidString.lowercased(),
            deadlineMilliseconds: deadlineMilliseconds,
            invokedFunctionARN: functionARN,
            traceID: traceID ?? TraceID.generate(),
            event: event
        )
        let state = self.state
        let timer = serverChannel.eventLoop.scheduleTask(
            in: .milliseconds(max(0, deadlineMilliseconds - Platform.wallClockMilliseconds()))
        ) {
            state.finish(invocation.requestID, with: .timedOut)
        }
        let outcome = await withCheckedContinuation { continuation in
            state.enqueue(invocation, continuation: continuation)
        }
        timer.cancel()
        return outcome
    }

    /// Queues `event` with a deadline `timeout` from now.
    public func invoke(
        event: Data,
        timeout: Duration = .seconds(3),
        traceID: String? = nil,
        requestID: String? = nil
    ) async -> InvocationOutcome {
        let milliseconds = timeout.components.seconds * 1000 + timeout.components.attoseconds / 1_000_000_000_000_000
        let deadline = Date(timeIntervalSince1970: Double(Platform.wallClockMilliseconds() + milliseconds) / 1000)
        return await invoke(event: event, deadline: deadline, traceID: traceID, requestID: requestID)
    }

    /// Ends every invocation still waiting with `outcome` (e.g. the runtime process died).
    public func finishPending(with outcome: InvocationOutcome) {
        state.finishAll(with: outcome)
    }

    /// Everything the runtime has posted so far, in arrival order.
    public var posts: [RecordedPost] { state.posts }

    /// The init error the runtime reported, if any.
    public var initError: ErrorReport? { state.initError }

    /// How many `GET next` requests arrived (a runtime waiting for work has one outstanding).
    public var nextRequestCount: Int { state.nextRequests }

    /// When the first `GET next` arrived: the end of the runtime's init.
    public var firstNextAt: ContinuousClock.Instant? { state.firstNextAt }

    /// Stops listening, closes runtime connections, and aborts pending invocations.
    public func shutdown() async {
        let connections = state.close()
        for connection in connections { try? await connection.close() }
        try? await serverChannel.close()
    }
}
