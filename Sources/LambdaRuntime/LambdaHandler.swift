import Logging

/// A Lambda function: decodes an event, does its work, returns a result.
///
/// The runtime decodes `Event` from the invocation payload with `JSONDecoder` and
/// encodes `Output` with `JSONEncoder`. A thrown error is posted to
/// `…/invocation/{id}/error` (see ``ErrorReport/init(describing:)``) and the runtime
/// moves on to the next invocation.
public protocol LambdaHandler: Sendable {
    associatedtype Event: Decodable
    associatedtype Output: Encodable

    func handle(_ event: Event, context: LambdaContext) async throws -> Output
}

/// What set-up code may use before the first invocation.
public struct InitializationContext: Sendable {
    /// The process environment, with helpers that fail set-up on a missing variable.
    public let environment: LambdaEnvironment
    /// A logger for set-up messages (no request id yet).
    public let logger: Logger

    /// Creates a set-up context; the runtime makes one per process, tests their own.
    public init(environment: LambdaEnvironment, logger: Logger) {
        self.environment = environment
        self.logger = logger
    }
}

/// A handler made of a closure, for small functions and tests.
public struct ClosureHandler<Event: Decodable, Output: Encodable>: LambdaHandler {
    private let body: @Sendable (Event, LambdaContext) async throws -> Output

    /// Creates a handler that runs `body` for each invocation.
    public init(_ body: @escaping @Sendable (Event, LambdaContext) async throws -> Output) {
        self.body = body
    }

    /// Runs the closure; what it throws is reported as the invocation's error.
    public func handle(_ event: Event, context: LambdaContext) async throws -> Output {
        try await body(event, context)
    }
}
