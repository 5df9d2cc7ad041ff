import Foundation

/// The secrets a test made, appended to the file named by `SMSREDIRECT_SECRET_LEDGER` as
/// `kind<TAB>value` lines. After the run, `make test` checks that none of them appears in the
/// run's captured output or in any log the tests wrote (`SMSREDIRECT_TEST_LOG_DIR`), and that each
/// kind was recorded at least as often as the suite is known to make it, so a kind that stops
/// being recorded fails the check instead of passing it (scripts/check-secrets-not-logged.py).
public enum SecretLedger {
    public enum Kind: String, Sendable {
        /// A plaintext verification or MFA code. Short: the check matches it as a whole token.
        case code
        /// A temporary or user password.
        case password
        /// The start of a ciphertext Cognito would send (base64).
        case ciphertext
        /// The signature of a CloudFormation ResponseURL (a presigned S3 URL).
        case responseURLSignature
    }

    public static func record(_ kind: Kind, _ secrets: String...) {
        guard let path = ProcessInfo.processInfo.environment["SMSREDIRECT_SECRET_LEDGER"], !path.isEmpty else { return }
        let lines = secrets.filter { !$0.isEmpty && !$0.contains("\n") }.map { "\(kind.rawValue)\t\($0)\n" }.joined()
        lock.withLock {
            guard
                let handle = FileHandle(forWritingAtPath: path)
                    ?? {
                        FileManager.default.createFile(atPath: path, contents: nil)
                        return FileHandle(forWritingAtPath: path)
                    }()
            else { return }
            defer { try? handle.close() }
            _ = try? handle.seekToEnd()
            try? handle.write(contentsOf: Data(lines.utf8))
        }
    }

    /// Suites append from many tasks at once: one writer at a time keeps lines whole.
    private static let lock = NSLock()
}

/// Where tests write the logs of the processes they run: under `SMSREDIRECT_TEST_LOG_DIR` when
/// `make test` sets it (kept, so the secret check reads every one), else the temporary directory.
public enum TestLogs {
    public static var directory: URL? {
        guard let path = ProcessInfo.processInfo.environment["SMSREDIRECT_TEST_LOG_DIR"], !path.isEmpty else { return nil }
        let url = URL(fileURLWithPath: path)
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A fresh, unique log path whose name ends in `name`.
    public static func path(_ name: String) -> String {
        (directory ?? FileManager.default.temporaryDirectory).appendingPathComponent("\(UUID().uuidString.prefix(8))-\(name)").path
    }

    /// Whether a log at `path` must stay for the secret check (it is removed otherwise).
    public static func isKept(_ path: String) -> Bool {
        guard let directory else { return false }
        return path.hasPrefix(directory.path + "/")
    }
}
