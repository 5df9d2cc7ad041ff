#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import Logging
import NIOConcurrencyHelpers

/// A swift-log handler that writes one JSON object per line, the shape CloudWatch Logs
/// and Lambda's JSON log format expect:
///
/// `{"timestamp":"2024-01-02T03:04:05.678Z","level":"INFO","message":"…","requestId":"…", …metadata}`
///
/// Metadata (the handler's, the provider's, then the call's, later ones winning) is
/// flattened into top-level fields; `requestId` comes from metadata, so it appears on
/// every line logged through a ``LambdaContext/logger``.
public struct JSONLogHandler: LogHandler {
    /// The minimum level written; lower levels are dropped by swift-log before ``log(event:)``.
    public var logLevel: Logger.Level
    /// The handler's own metadata, the lowest-priority fields of every line.
    public var metadata: Logger.Metadata = [:]
    /// Metadata read at each log call (e.g. from task-local context), overriding ``metadata``.
    public var metadataProvider: Logger.MetadataProvider?
    private let sink: JSONLogSink

    /// - Parameters:
    ///   - level: the minimum level to write.
    ///   - fileDescriptor: where lines go; Lambda captures the function's stdout.
    public init(level: Logger.Level = .info, fileDescriptor: Int32 = 1, metadataProvider: Logger.MetadataProvider? = nil) {
        self.logLevel = level
        self.sink = JSONLogSink(fileDescriptor: fileDescriptor)
        self.metadataProvider = metadataProvider
    }

    /// Reads or sets one entry of the handler's ``metadata``.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Merges the metadata (handler, provider, call) and writes the event as one JSON line.
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() {
            merged.merge(provided) { $1 }
        }
        if let explicit = event.metadata {
            merged.merge(explicit) { $1 }
        }
        sink.write(Self.line(level: event.level, message: event.message.description, metadata: merged))
    }

    /// Renders one log line (with the trailing newline). Internal for tests.
    static func line(level: Logger.Level, message: String, metadata: Logger.Metadata, timestamp: String = Self.timestamp()) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128 + message.utf8.count)
        out.append(UInt8(ascii: "{"))
        JSONText.appendKeyValue("timestamp", timestamp, to: &out)
        out.append(UInt8(ascii: ","))
        JSONText.appendKeyValue("level", level.lambdaName, to: &out)
        out.append(UInt8(ascii: ","))
        JSONText.appendKeyValue("message", message, to: &out)
        // requestId first among metadata so that lines read well; the rest sorted for stable output.
        let reserved: Set<String> = ["timestamp", "level", "message"]
        let keys = metadata.keys.filter { !reserved.contains($0) }.sorted { lhs, rhs in
            if lhs == "requestId" { return rhs != "requestId" }
            if rhs == "requestId" { return false }
            return lhs < rhs
        }
        for key in keys {
            out.append(UInt8(ascii: ","))
            JSONText.appendString(key, to: &out)
            out.append(UInt8(ascii: ":"))
            appendValue(metadata[key]!, to: &out)
        }
        out.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
        return out
    }

    private static func appendValue(_ value: Logger.Metadata.Value, to out: inout [UInt8]) {
        switch value {
        case .string(let string):
            JSONText.appendString(string, to: &out)
        case .stringConvertible(let convertible):
            JSONText.appendString(convertible.description, to: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendValue(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .dictionary(let dictionary):
            out.append(UInt8(ascii: "{"))
            for (index, key) in dictionary.keys.sorted().enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                JSONText.appendString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                appendValue(dictionary[key]!, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// The current UTC time as ISO 8601 with milliseconds.
    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var seconds = ts.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + "\(pad(Int32(ts.tv_nsec / 1_000_000), 3))Z"
    }
}

/// Serialises whole lines onto one file descriptor so concurrent loggers never interleave.
private final class JSONLogSink: Sendable {
    private let fileDescriptor: Int32
    private let lock = NIOLock()

    init(fileDescriptor: Int32) { self.fileDescriptor = fileDescriptor }

    func write(_ line: [UInt8]) {
        lock.withLock { Platform.writeAll(fileDescriptor, line) }
    }
}

extension Logger.Level {
    /// Level names as Lambda's advanced logging controls spell them.
    var lambdaName: String {
        switch self {
        case .trace: "TRACE"
        case .debug: "DEBUG"
        case .info: "INFO"
        case .notice: "INFO"
        case .warning: "WARN"
        case .error: "ERROR"
        case .critical: "FATAL"
        }
    }

    /// Parses `AWS_LAMBDA_LOG_LEVEL` / `LOG_LEVEL` values (either spelling family).
    init?(lambdaName: String) {
        switch lambdaName.uppercased() {
        case "TRACE": self = .trace
        case "DEBUG": self = .debug
        case "INFO": self = .info
        case "NOTICE": self = .notice
        case "WARN", "WARNING": self = .warning
        case "ERROR": self = .error
        case "FATAL", "CRITICAL": self = .critical
        default: return nil
        }
    }
}
