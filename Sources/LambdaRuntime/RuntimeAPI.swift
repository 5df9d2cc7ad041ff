/// Paths and header names of the Lambda Runtime API, version 2018-06-01.
///
/// Shared by the client loop and the loopback server so that both sides agree on
/// the wire format by construction.
package enum RuntimeAPI {
    package static let version = "2018-06-01"
    package static let nextPath = "/\(version)/runtime/invocation/next"
    package static let initErrorPath = "/\(version)/runtime/init/error"
    package static let invocationPrefix = "/\(version)/runtime/invocation/"

    package static func responsePath(_ requestID: String) -> String { "\(invocationPrefix)\(requestID)/response" }
    package static func errorPath(_ requestID: String) -> String { "\(invocationPrefix)\(requestID)/error" }

    package enum Header {
        package static let requestID = "Lambda-Runtime-Aws-Request-Id"
        package static let deadline = "Lambda-Runtime-Deadline-Ms"
        package static let functionARN = "Lambda-Runtime-Invoked-Function-Arn"
        package static let traceID = "Lambda-Runtime-Trace-Id"
        package static let clientContext = "Lambda-Runtime-Client-Context"
        package static let cognitoIdentity = "Lambda-Runtime-Cognito-Identity"
        package static let functionErrorType = "Lambda-Runtime-Function-Error-Type"
    }

    /// The environment variable naming the Runtime API endpoint (`host:port`).
    package static let endpointVariable = "AWS_LAMBDA_RUNTIME_API"
    /// The environment variable X-Ray SDKs read the current trace header from.
    package static let traceIDVariable = "_X_AMZN_TRACE_ID"
    /// Lambda's documented maximum synchronous response payload (6 MB).
    package static let maxResponseBytes = 6 * 1024 * 1024
}
