import ArgumentParser
import Foundation

/// The one way the CLI reads a duration or a count a user typed: a finite number within the
/// option's stated bounds, or a `ValidationError` that names the option, what was typed and the
/// bounds. Nothing typed reaches `Duration`, `Int64` or a deadline unchecked, so `inf`, `nan`,
/// `1e300` or `9223372036854775807` is a message, never a trap.
struct DurationBounds: Sendable {
    /// The option as the user writes it, e.g. `--timeout`.
    let option: String
    /// The shortest duration accepted, in seconds.
    let minimumSeconds: Double
    /// The longest duration accepted, in seconds.
    let maximumSeconds: Double
    /// Why the bounds are what they are, said with a refusal (e.g. "Lambda's maximum").
    let why: String

    /// A bare number counts as seconds; `90s`, `5m`, `2h`, `1d` name their unit.
    func parse(_ text: String) throws -> Duration {
        let seconds = try self.seconds(text)
        return .milliseconds(Int64((seconds * 1000).rounded()))
    }

    /// The duration in seconds, checked.
    func seconds(_ text: String) throws -> Double {
        guard let seconds = Self.seconds(in: text) else {
            throw ValidationError("\(option) '\(text)' is not a duration: write seconds (30) or a number with a unit (90s, 5m, 2h, 1d)")
        }
        guard seconds >= minimumSeconds, seconds <= maximumSeconds else {
            throw ValidationError("\(option) '\(text)' is out of range: give \(Self.describe(minimumSeconds)) to \(Self.describe(maximumSeconds)) (\(why))")
        }
        return seconds
    }

    /// `90s`, `5m`, `2h`, `1d` or a bare number of seconds, in seconds; nil for anything else,
    /// including a negative, `inf`, `nan` and numbers too large to be a time.
    static func seconds(in text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let last = trimmed.last else { return nil }
        let multiplier: Double
        var number = Substring(trimmed)
        switch last {
        case "s": multiplier = 1
        case "m": multiplier = 60
        case "h": multiplier = 3600
        case "d": multiplier = 86400
        case _ where last.isASCII && last.isNumber: multiplier = 1
        // Any other unit (5M, 2H, 90x) is refused, not read as seconds.
        default: return nil
        }
        if !last.isNumber { number = number.dropLast() }
        // Digits and at most one point: no signs, exponents, "inf" or "nan" for Double to accept.
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }), number.filter({ $0 == "." }).count <= 1,
            let amount = Double(number)
        else { return nil }
        let seconds = amount * multiplier
        guard seconds.isFinite, seconds < 1e12 else { return nil }
        return seconds
    }

    /// "60 s", "14 d", "0.001 s": the largest whole unit.
    static func describe(_ seconds: Double) -> String {
        for (unit, size) in [("d", 86400.0), ("h", 3600.0), ("m", 60.0)] where seconds >= size && seconds.truncatingRemainder(dividingBy: size) == 0 {
            return "\(Int(seconds / size)) \(unit)"
        }
        return seconds == seconds.rounded() ? "\(Int(seconds)) s" : "\(seconds) s"
    }

    /// `wait-code --timeout`: how long to wait for a code.
    static let waitTimeout = DurationBounds(option: "--timeout", minimumSeconds: 1, maximumSeconds: 86400, why: "a wait of more than a day is a hung job")
    /// `inbox create --ttl`: how long a per-run inbox lives.
    static let inboxTTL = DurationBounds(
        option: "--ttl", minimumSeconds: 60, maximumSeconds: 14 * 86400, why: "SQS keeps a message 14 days at most, so a longer-lived inbox holds nothing more")
    /// `--since=-DURATION`: how far back a code may have been sent.
    static let sinceAgo = DurationBounds(
        option: "--since", minimumSeconds: 0, maximumSeconds: 14 * 86400, why: "SQS keeps a message 14 days at most, so no older code is in the inbox")
    /// `invoke --timeout`: the function's timeout.
    static let functionTimeout = DurationBounds(option: "--timeout", minimumSeconds: 0.001, maximumSeconds: 900, why: "900 s is Lambda's maximum")
    /// Each of `invoke --retry-delays`.
    static let retryDelay = DurationBounds(
        option: "--retry-delays", minimumSeconds: 0, maximumSeconds: 21600, why: "Lambda keeps an asynchronous event 6 hours at most")
}

/// The counts the CLI takes, each with its bounds.
struct CountBounds: Sendable {
    /// The option as the user writes it.
    let option: String
    /// The accepted range.
    let range: ClosedRange<Int>
    /// Why the bounds are what they are.
    let why: String

    /// The value, or a `ValidationError` naming the option and the bounds.
    func check(_ value: Int) throws -> Int {
        guard range.contains(value) else {
            throw ValidationError("\(option) \(value) is out of range: give \(range.lowerBound) to \(range.upperBound) (\(why))")
        }
        return value
    }

    /// `invoke --memory`, Lambda's memory sizes.
    static let functionMemory = CountBounds(option: "--memory", range: 128...10240, why: "Lambda's memory sizes, in MB")
}
