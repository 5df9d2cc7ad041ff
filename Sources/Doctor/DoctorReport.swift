import AWSCore

/// One line of `smsredirect doctor`'s checklist.
public struct DoctorCheck: Sendable, Equatable, Codable {
    /// How a check came out.
    public enum Status: String, Sendable, Codable {
        /// It holds.
        case pass
        /// It does not: a code would not arrive (or a failure already happened). ``DoctorCheck/fix`` says what to do.
        case fail
        /// Not applicable to this setup (no inbox, email not redirected, no journal given); the summary says why.
        case skipped
    }

    /// A stable name for scripts and tests: `pool.sms-sender`, `key.decrypt-permission`, …
    public var id: String
    /// How it came out.
    public var status: Status
    /// What was found, in one sentence.
    public var summary: String
    /// What to do about a failure; nil when it passed or was skipped.
    public var fix: String?

    /// A check that holds.
    public static func pass(_ id: String, _ summary: String) -> DoctorCheck { DoctorCheck(id: id, status: .pass, summary: summary, fix: nil) }
    /// A check that does not hold, with its fix.
    public static func fail(_ id: String, _ summary: String, fix: String) -> DoctorCheck { DoctorCheck(id: id, status: .fail, summary: summary, fix: fix) }
    /// A check that does not apply here, and why.
    public static func skipped(_ id: String, _ summary: String) -> DoctorCheck { DoctorCheck(id: id, status: .skipped, summary: summary, fix: nil) }
}

/// Everything `doctor` checked, in the order a code travels: the pool, the sender, the key, the
/// topic and the inbox, the flows, past failures, the journal.
public struct DoctorReport: Sendable, Equatable, Codable {
    /// The checks, in order.
    public var checks: [DoctorCheck]

    /// Wraps the checks.
    public init(checks: [DoctorCheck]) { self.checks = checks }

    /// True when no check failed: what `doctor`'s exit status 0 means.
    public var healthy: Bool { !checks.contains { $0.status == .fail } }

    /// The checks that failed.
    public var failures: [DoctorCheck] { checks.filter { $0.status == .fail } }

    /// The check with this id, if it was made.
    public subscript(id: String) -> DoctorCheck? { checks.first { $0.id == id } }

    /// The checklist for a person: ✓, ✗ (with its fix on the next line) or – per check, then a verdict.
    public var text: String {
        var lines: [String] = []
        for check in checks {
            switch check.status {
            case .pass: lines.append("✓ \(check.id): \(check.summary)")
            case .skipped: lines.append("– \(check.id): \(check.summary)")
            case .fail:
                lines.append("✗ \(check.id): \(check.summary)")
                if let fix = check.fix { lines.append("    fix: \(fix)") }
            }
        }
        let failed = failures.count
        lines.append(
            failed == 0
                ? "all \(checks.filter { $0.status == .pass }.count) checks hold: codes should reach the topic and the inbox"
                : "\(failed) of \(checks.count) checks failed")
        return lines.joined(separator: "\n")
    }
}
