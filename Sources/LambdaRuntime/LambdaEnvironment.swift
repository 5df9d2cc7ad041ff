/// Read access to environment variables during set-up.
///
/// Reading a required variable that is absent throws ``MissingEnvironmentVariable``,
/// which the runtime turns into a `POST …/init/error` and a non-zero exit: a function
/// that is misconfigured fails at cold start, visibly, instead of on some later path.
public struct LambdaEnvironment: Sendable {
    private let lookup: @Sendable (String) -> String?
    private let listing: @Sendable () -> [String: String]

    /// The process environment.
    public static let process = LambdaEnvironment(lookup: { Platform.environment($0) }, listing: { Platform.allEnvironment() })

    /// A fixed environment, for tests.
    public init(_ values: [String: String]) {
        self.lookup = { values[$0] }
        self.listing = { values }
    }

    /// An environment read through `lookup`; `listing` backs ``values`` and gives nothing by default.
    public init(lookup: @escaping @Sendable (String) -> String?, listing: @escaping @Sendable () -> [String: String] = { [:] }) {
        self.lookup = lookup
        self.listing = listing
    }

    /// Every variable, as a dictionary: what a library that reads its own settings from an
    /// environment (the AWS configuration) is given, so that one environment value feeds the
    /// function's settings and its AWS clients alike.
    public var values: [String: String] { listing() }

    /// The value of `name`, or nil when unset.
    public subscript(_ name: String) -> String? { lookup(name) }

    /// The value of `name`; throws when it is unset or empty.
    public func required(_ name: String) throws -> String {
        guard let value = lookup(name), !value.isEmpty else {
            throw MissingEnvironmentVariable(name: name)
        }
        return value
    }
}

/// A required environment variable is not set.
public struct MissingEnvironmentVariable: LambdaReportableError, Equatable, CustomStringConvertible {
    /// The variable's name.
    public let name: String

    /// Creates the error for the variable `name`.
    public init(name: String) { self.name = name }

    /// `Runtime.MissingEnvironmentVariable`, as reported to `…/init/error`.
    public var errorType: String { "Runtime.MissingEnvironmentVariable" }
    /// Names the variable only: no values of the environment are reported.
    public var errorMessage: String { "Required environment variable \(name) is not set" }
    /// The same text as ``errorMessage``.
    public var description: String { errorMessage }
}
