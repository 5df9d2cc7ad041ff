// A tiny Lambda for the LambdaRuntime tests: echoes the event and what the runtime
// told it about the invocation, or fails on demand.
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import LambdaRuntime

struct EchoEvent: Decodable {
    /// Any JSON value to send back.
    var echo: JSONValue?
    /// When set, the handler throws `EchoFailure` with this message.
    var fail: String?
    /// When set, the handler sleeps this long first (to exercise deadlines).
    var sleepMilliseconds: Int?
    /// When set, the process exits with this status mid-invocation (a crashing runtime).
    var exitStatus: Int32?
}

struct EchoOutput: Encodable {
    var echo: JSONValue?
    var requestId: String
    var deadlineMs: Int64
    var remainingMs: Int64
    var invokedFunctionArn: String
    var traceId: String?
    /// `_X_AMZN_TRACE_ID` as the process environment had it during the invocation.
    var traceIdEnvironment: String?
    var pid: Int32
    var greeting: String
}

struct EchoFailure: LambdaReportableError {
    var errorMessage: String
    var errorType: String { "EchoFailure" }
}

struct EchoHandler: LambdaHandler {
    var greeting: String

    func handle(_ event: EchoEvent, context: LambdaContext) async throws -> EchoOutput {
        context.logger.info("echo invoked")
        if let milliseconds = event.sleepMilliseconds {
            try await Task.sleep(for: .milliseconds(milliseconds))
        }
        if let status = event.exitStatus { exit(status) }
        if let message = event.fail { throw EchoFailure(errorMessage: message) }
        let remaining = context.remainingTime.components
        return EchoOutput(
            echo: event.echo,
            requestId: context.requestID,
            deadlineMs: context.deadlineMilliseconds,
            remainingMs: remaining.seconds * 1000 + remaining.attoseconds / 1_000_000_000_000_000,
            invokedFunctionArn: context.invokedFunctionARN,
            traceId: context.traceID,
            traceIdEnvironment: getenv("_X_AMZN_TRACE_ID").map { String(cString: $0) },
            pid: getpid(),
            greeting: greeting
        )
    }
}

/// A JSON value, so that any echo payload round-trips.
enum JSONValue: Codable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

// Set-up requires ECHO_GREETING, so a missing variable exercises the init/error path.
await Lambda.run { setUp in
    EchoHandler(greeting: try setUp.environment.required("ECHO_GREETING"))
}
