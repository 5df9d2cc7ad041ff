#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import LambdaRuntime

/// Lambda's asynchronous invocation played locally: the event is run, and while the function
/// fails it is run again after each retry delay, as Lambda does for an event that an `Event`
/// invocation (Cognito's custom sender triggers) queued. What comes out is what Lambda would hand
/// an on-failure destination: how many attempts, and the last failure.
///
/// Lambda retries a function error twice by default, one minute and then two minutes later
/// ("How Lambda handles errors and retries with asynchronous invocation", AWS Lambda Developer
/// Guide); `retryDelays` shortens them for tests.
public struct AsynchronousInvocation: Sendable {
    /// Lambda's default: two retries, after one and then two minutes.
    public static let lambdaRetryDelays: [Duration] = [.seconds(60), .seconds(120)]

    /// Runs each attempt in a fresh child process.
    public let invoker: LocalInvoker
    /// One delay per retry; the event is tried `retryDelays.count + 1` times at most.
    public let retryDelays: [Duration]

    /// Creates a runner; pass short `retryDelays` in tests instead of Lambda's minutes.
    public init(invoker: LocalInvoker, retryDelays: [Duration] = Self.lambdaRetryDelays) {
        self.invoker = invoker
        self.retryDelays = retryDelays
    }

    /// What the attempts came to.
    public struct Result: Sendable {
        /// Every attempt's outcome, in order; the last is a success or the final failure.
        public var outcomes: [InvocationOutcome]
        /// Whether the last attempt got a response; false when every attempt failed.
        public var succeeded: Bool { outcomes.last?.isSuccess ?? false }
        /// Lambda's `approximateInvokeCount`.
        public var attempts: Int { outcomes.count }
    }

    /// Runs the event until it succeeds or the retries are used up. Each attempt gets a fresh
    /// process, as a retry may land on another instance.
    public func run(event: Data) async throws -> Result {
        var outcomes: [InvocationOutcome] = []
        for attempt in 0...retryDelays.count {
            if attempt > 0 { try await Task.sleep(for: retryDelays[attempt - 1]) }
            let outcome = try await invoker.invoke(event: event).outcome
            outcomes.append(outcome)
            if outcome.isSuccess { break }
        }
        return Result(outcomes: outcomes)
    }
}

extension InvocationOutcome {
    /// The error as Lambda reports it in an invocation record's `responsePayload` (nil for a
    /// response): the function's own type and message, or the runtime's for a timeout or crash.
    public var lambdaError: (type: String, message: String)? {
        switch self {
        case .response: nil
        case let .error(type, message), let .initError(type, message): (type, message)
        case .timedOut: ("Sandbox.Timedout", "Task timed out")
        case let .runtimeExited(status): ("Runtime.ExitError", "Runtime exited with error: exit status \(status)")
        case let .aborted(reason): ("Runtime.Aborted", reason)
        }
    }
}
