#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import LambdaRuntime

/// How one invocation ended, as seen from the Lambda service's side.
public enum InvocationOutcome: Sendable, Equatable {
    /// The runtime posted a response (the raw body).
    case response(Data)
    /// The runtime posted an invocation error.
    case error(type: String, message: String)
    /// The runtime posted an init error; no invocation will be served.
    case initError(type: String, message: String)
    /// The deadline passed without a response or error.
    case timedOut
    /// The runtime process ended before answering (exit status, or 128 + signal).
    case runtimeExited(status: Int32)
    /// The loopback server was shut down (or the invocation was abandoned) first.
    case aborted(String)

    /// Whether the runtime can go on to serve another invocation after this one.
    public var leavesRuntimeUsable: Bool {
        switch self {
        case .response, .error: true
        case .initError, .timedOut, .runtimeExited, .aborted: false
        }
    }

    /// True only for `.response`.
    public var isSuccess: Bool {
        if case .response = self { return true }
        return false
    }
}

/// A request the runtime posted to the loopback server, kept for inspection by tests.
public struct RecordedPost: Sendable, Equatable {
    /// Which Runtime API endpoint was posted to: `…/response`, `…/error` or `init/error`.
    public enum Kind: String, Sendable, Equatable {
        case response, error, initError
    }

    /// Which endpoint the post went to.
    public var kind: Kind
    /// nil for `init/error`.
    public var requestID: String?
    /// The `Lambda-Runtime-Function-Error-Type` header, when sent.
    public var errorTypeHeader: String?
    /// The request body as received: the response payload or the error report JSON.
    public var body: Data
    /// When the request (its body complete) reached the server.
    public var receivedAt: ContinuousClock.Instant
}
