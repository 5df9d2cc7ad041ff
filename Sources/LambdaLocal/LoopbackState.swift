#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import NIOConcurrencyHelpers
import NIOCore
import LambdaRuntime

/// The loopback Runtime API's bookkeeping: queued events, long-polling `next`
/// requests, invocations awaiting an outcome, and what the runtime posted.
///
/// Lock-protected rather than an actor because it is driven from NIO event loop
/// callbacks (which must not suspend) as well as from async callers. Continuations
/// and promises are always completed after the lock is released.
final class LoopbackState: Sendable {
    private struct Waiter {
        var connection: ObjectIdentifier
        var promise: EventLoopPromise<Invocation>
    }

    private struct Inner {
        var queue: [Invocation] = []
        /// Every invocation not yet finished, queued or handed out.
        var pending: [String: CheckedContinuation<InvocationOutcome, Never>] = [:]
        var handedOut: Set<String> = []
        var waiters: [Waiter] = []
        var initError: ErrorReport?
        var posts: [RecordedPost] = []
        var connections: [ObjectIdentifier: any Channel] = [:]
        var nextRequests = 0
        var firstNextAt: ContinuousClock.Instant?
        var closed = false
    }

    private let inner = NIOLockedValueBox(Inner())

    var posts: [RecordedPost] { inner.withLockedValue { $0.posts } }
    var initError: ErrorReport? { inner.withLockedValue { $0.initError } }
    var nextRequests: Int { inner.withLockedValue { $0.nextRequests } }
    var firstNextAt: ContinuousClock.Instant? { inner.withLockedValue { $0.firstNextAt } }

    // MARK: Service side (what Lambda's frontend would do)

    /// Queues an invocation; `continuation` is resumed exactly once with its outcome.
    func enqueue(_ invocation: Invocation, continuation: CheckedContinuation<InvocationOutcome, Never>) {
        enum Action { case resume(InvocationOutcome), deliver(EventLoopPromise<Invocation>), none }
        let action: Action = inner.withLockedValue { state in
            if state.closed { return .resume(.aborted("loopback Runtime API is shut down")) }
            if let report = state.initError {
                return .resume(.initError(type: report.errorType, message: report.errorMessage))
            }
            state.pending[invocation.requestID] = continuation
            if !state.waiters.isEmpty {
                let waiter = state.waiters.removeFirst()
                state.handedOut.insert(invocation.requestID)
                return .deliver(waiter.promise)
            }
            state.queue.append(invocation)
            return .none
        }
        switch action {
        case .resume(let outcome): continuation.resume(returning: outcome)
        case .deliver(let promise): promise.succeed(invocation)
        case .none: break
        }
    }

    /// Ends an invocation that is still pending (queued or handed out) with `outcome`.
    func finish(_ requestID: String, with outcome: InvocationOutcome) {
        let continuation = inner.withLockedValue { state -> CheckedContinuation<InvocationOutcome, Never>? in
            state.queue.removeAll { $0.requestID == requestID }
            state.handedOut.remove(requestID)
            return state.pending.removeValue(forKey: requestID)
        }
        continuation?.resume(returning: outcome)
    }

    /// Ends every pending invocation with `outcome`.
    func finishAll(with outcome: InvocationOutcome) {
        let continuations = inner.withLockedValue { state in
            let all = Array(state.pending.values)
            state.pending.removeAll()
            state.queue.removeAll()
            state.handedOut.removeAll()
            return all
        }
        for continuation in continuations { continuation.resume(returning: outcome) }
    }

    /// Refuses new work, ends pending invocations, and returns the open connections to close.
    func close() -> [any Channel] {
        let (waiters, channels) = inner.withLockedValue { state in
            state.closed = true
            let result = (state.waiters, Array(state.connections.values))
            state.waiters.removeAll()
            return result
        }
        finishAll(with: .aborted("loopback Runtime API is shut down"))
        for waiter in waiters { waiter.promise.fail(ChannelError.ioOnClosedChannel) }
        return channels
    }

    // MARK: Runtime side (the HTTP handler)

    func connectionOpened(_ channel: any Channel) {
        inner.withLockedValue { $0.connections[ObjectIdentifier(channel)] = channel }
    }

    /// Forgets a connection and abandons its long-poll, so a later event is not handed
    /// to a runtime that has gone away.
    func connectionClosed(_ channel: any Channel) {
        let id = ObjectIdentifier(channel)
        let abandoned = inner.withLockedValue { state in
            state.connections[id] = nil
            let mine = state.waiters.filter { $0.connection == id }
            state.waiters.removeAll { $0.connection == id }
            return mine
        }
        for waiter in abandoned { waiter.promise.fail(ChannelError.ioOnClosedChannel) }
    }

    /// `GET next`: an event now, or a future that completes when one is queued.
    func next(connection: any Channel) -> EventLoopFuture<Invocation> {
        let promise = connection.eventLoop.makePromise(of: Invocation.self)
        let ready: Invocation? = inner.withLockedValue { state in
            state.nextRequests += 1
            if state.firstNextAt == nil { state.firstNextAt = .now }
            if state.closed { return nil }
            if !state.queue.isEmpty {
                let invocation = state.queue.removeFirst()
                state.handedOut.insert(invocation.requestID)
                return invocation
            }
            state.waiters.append(Waiter(connection: ObjectIdentifier(connection), promise: promise))
            return nil
        }
        if let ready {
            promise.succeed(ready)
        } else if inner.withLockedValue({ $0.closed }) {
            promise.fail(ChannelError.ioOnClosedChannel)
        }
        return promise.futureResult
    }

    enum PostResult: Equatable {
        case accepted
        /// The request id is unknown, not yet handed out, or already answered.
        case invalidRequestID
        /// A response over Lambda's payload limit; the invocation fails.
        case payloadTooLarge
    }

    /// `POST …/{id}/response` or `…/{id}/error`.
    func post(_ post: RecordedPost, outcome: InvocationOutcome) -> PostResult {
        let requestID = post.requestID ?? ""
        let (result, continuation) = inner.withLockedValue { state -> (PostResult, CheckedContinuation<InvocationOutcome, Never>?) in
            state.posts.append(post)
            guard state.handedOut.contains(requestID), state.pending[requestID] != nil else {
                return (.invalidRequestID, nil)
            }
            state.handedOut.remove(requestID)
            let tooLarge = post.kind == .response && post.body.count > RuntimeAPI.maxResponseBytes
            return (tooLarge ? .payloadTooLarge : .accepted, state.pending.removeValue(forKey: requestID))
        }
        if result == .payloadTooLarge {
            continuation?.resume(
                returning: .error(
                    type: "Function.ResponseSizeTooLarge",
                    message: "Response payload size (\(post.body.count) bytes) exceeded maximum allowed payload size (\(RuntimeAPI.maxResponseBytes) bytes)."
                ))
        } else {
            continuation?.resume(returning: outcome)
        }
        return result
    }

    /// `POST init/error`: every pending and future invocation fails with it.
    func postInitError(_ post: RecordedPost, report: ErrorReport) {
        inner.withLockedValue { state in
            state.posts.append(post)
            state.initError = report
        }
        finishAll(with: .initError(type: report.errorType, message: report.errorMessage))
    }
}
