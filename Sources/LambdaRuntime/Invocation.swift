#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// One invocation as the Runtime API hands it out from `GET …/invocation/next`.
public struct Invocation: Sendable, Equatable {
    /// `Lambda-Runtime-Aws-Request-Id`.
    public var requestID: String
    /// `Lambda-Runtime-Deadline-Ms`: the wall-clock deadline in milliseconds since the Unix epoch.
    public var deadlineMilliseconds: Int64
    /// `Lambda-Runtime-Invoked-Function-Arn`.
    public var invokedFunctionARN: String
    /// `Lambda-Runtime-Trace-Id`, the X-Ray trace header, when present.
    public var traceID: String?
    /// `Lambda-Runtime-Client-Context` (mobile SDK invocations only).
    public var clientContext: String?
    /// `Lambda-Runtime-Cognito-Identity` (mobile SDK invocations only).
    public var cognitoIdentity: String?
    /// The raw event payload (a JSON document).
    public var event: Data

    /// Creates an invocation, e.g. for a test client; the optional headers default to absent.
    public init(
        requestID: String,
        deadlineMilliseconds: Int64,
        invokedFunctionARN: String,
        traceID: String? = nil,
        clientContext: String? = nil,
        cognitoIdentity: String? = nil,
        event: Data
    ) {
        self.requestID = requestID
        self.deadlineMilliseconds = deadlineMilliseconds
        self.invokedFunctionARN = invokedFunctionARN
        self.traceID = traceID
        self.clientContext = clientContext
        self.cognitoIdentity = cognitoIdentity
        self.event = event
    }
}
