/// The JSON body the Runtime API expects on `…/invocation/{id}/error` and `…/init/error`.
///
/// The field names are the documented ones; `errorType` is also sent as the
/// `Lambda-Runtime-Function-Error-Type` header.
public struct ErrorReport: Codable, Sendable, Equatable {
    /// `errorMessage`: what a caller of `Invoke` sees as the error's text; keep secrets out of it.
    public var errorMessage: String
    /// `errorType`: a short class name, e.g. `Runtime.UnmarshalError`.
    public var errorType: String
    /// `stackTrace`: trace lines as Lambda shows them; empty unless the creator passes some.
    public var stackTrace: [String]

    /// Creates a report with the given fields.
    public init(errorType: String, errorMessage: String, stackTrace: [String] = []) {
        self.errorType = errorType
        self.errorMessage = errorMessage
        self.stackTrace = stackTrace
    }

    /// Describes a thrown error. Errors conforming to ``LambdaReportableError`` choose
    /// their own type and message; anything else is reported by its Swift type name.
    public init(describing error: any Error) {
        if let reportable = error as? any LambdaReportableError {
            self.init(errorType: reportable.errorType, errorMessage: reportable.errorMessage)
        } else {
            self.init(errorType: String(describing: type(of: error)), errorMessage: String(describing: error))
        }
    }
}

/// An error that controls how it is reported to Lambda (and so what a caller of
/// `Invoke` sees as `FunctionError`/`errorType`).
///
/// Conform errors whose default description could carry secrets, and give them a
/// message that does not.
public protocol LambdaReportableError: Error {
    var errorType: String { get }
    var errorMessage: String { get }
}

/// Errors the runtime itself reports, named after the `Runtime.*` types Lambda's own
/// runtimes use so that dashboards and alarms read the same.
public struct RuntimeError: LambdaReportableError, Equatable, CustomStringConvertible {
    /// The `Runtime.*` type reported to Lambda.
    public var errorType: String
    /// The message reported to Lambda.
    public var errorMessage: String

    /// Creates an error reported with exactly this type and message.
    public init(errorType: String, errorMessage: String) {
        self.errorType = errorType
        self.errorMessage = errorMessage
    }

    /// The event could not be decoded into the handler's `Event` type.
    static func unmarshal(_ error: any Error) -> RuntimeError {
        // A DecodingError's description names the coding path, not the payload's values.
        RuntimeError(errorType: "Runtime.UnmarshalError", errorMessage: "Unable to decode the event: \(error)")
    }

    /// The handler's output could not be encoded.
    static func marshal(_ error: any Error) -> RuntimeError {
        RuntimeError(errorType: "Runtime.MarshalError", errorMessage: "Unable to encode the response: \(error)")
    }

    /// `TYPE: MESSAGE`, as logged.
    public var description: String { "\(errorType): \(errorMessage)" }
}
