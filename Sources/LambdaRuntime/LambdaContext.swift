#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging

/// What a handler knows about the invocation it is serving.
public struct LambdaContext: Sendable {
    /// The request id (`Lambda-Runtime-Aws-Request-Id`).
    public let requestID: String
    /// The deadline, in milliseconds since the Unix epoch (`Lambda-Runtime-Deadline-Ms`).
    public let deadlineMilliseconds: Int64
    /// The ARN the caller invoked, with version or alias.
    public let invokedFunctionARN: String
    /// The X-Ray trace header; also exported as `_X_AMZN_TRACE_ID` for the invocation.
    public let traceID: String?
    /// Mobile SDK client context, when sent.
    public let clientContext: String?
    /// Mobile SDK Cognito identity, when sent.
    public let cognitoIdentity: String?
    /// A logger whose metadata carries `requestId`.
    public let logger: Logger

    /// Creates the context of `invocation`, adding its request id to `logger`'s metadata as `requestId`.
    public init(invocation: Invocation, logger: Logger) {
        self.requestID = invocation.requestID
        self.deadlineMilliseconds = invocation.deadlineMilliseconds
        self.invokedFunctionARN = invocation.invokedFunctionARN
        self.traceID = invocation.traceID
        self.clientContext = invocation.clientContext
        self.cognitoIdentity = invocation.cognitoIdentity
        var logger = logger
        logger[metadataKey: "requestId"] = .string(invocation.requestID)
        self.logger = logger
    }

    /// The deadline as a `Date`.
    public var deadline: Date {
        Date(timeIntervalSince1970: Double(deadlineMilliseconds) / 1000)
    }

    /// Time left before Lambda stops the invocation; negative once it has passed.
    ///
    /// Work that must finish before the deadline (e.g. a CloudFormation response)
    /// should budget against this, not against the configured timeout.
    public var remainingTime: Duration {
        .milliseconds(deadlineMilliseconds - Platform.wallClockMilliseconds())
    }
}
