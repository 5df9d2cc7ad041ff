/// Paths and header names of the Lambda Runtime API, version 2018-06-01.
///
/// Shared by the client loop and the loopback server so that both sides agree on
/// the wire format by construction.
enum RuntimeAPI {
    static let version = "2018-06-01"
    static let nextPath = "/\(version)/runtime/invocation/next"
    static let initErrorPath = "/\(version)/runtime/init/error"
    static let invocationPrefix = "/\(version)/runtime/invocation/"

    static func responsePath(_ requestID: String) -> String { "\(invocationPrefix)\(requestID)/response" }
    static func errorPath(_ requestID: String) -> String { "\(invocationPrefix)\(requestID)/error" }

    enum Header {
        static let requestID = "Lambda-Runtime-Aws-Request-Id"
        static let deadline = "Lambda-Runtime-Deadline-Ms"
        static let functionARN = "Lambda-Runtime-Invoked-Function-Arn"
        static let traceID = "Lambda-Runtime-Trace-Id"
        static let clientContext = "Lambda-Runtime-Client-Context"
        static let cognitoIdentity = "Lambda-Runtime-Cognito-Identity"
        static let functionErrorType = "Lambda-Runtime-Function-Error-Type"
    }

    /// The environment variable naming the Runtime API endpoint (`host:port`).
    static let endpointVariable = "AWS_LAMBDA_RUNTIME_API"
    /// The environment variable X-Ray SDKs read the current trace header from.
    static let traceIDVariable = "_X_AMZN_TRACE_ID"
    /// Lambda's documented maximum synchronous response payload (6 MB).
    static let maxResponseBytes = 6 * 1024 * 1024
}
