import Foundation

/// The secrets a test made (plaintext codes, ciphertext prefixes), appended to the file named by
/// `SMSREDIRECT_SECRET_LEDGER`. After the run, `make test` checks that none of them appears in the
/// run's captured output (scripts/check-secrets-not-logged.sh). Only secrets of 12 characters or
/// more are kept: a six-digit code would match numbers elsewhere in the output by chance.
public enum SecretLedger {
    public static func record(_ secrets: String...) {
        guard let path = ProcessInfo.processInfo.environment["SMSREDIRECT_SECRET_LEDGER"], !path.isEmpty else { return }
        let lines = secrets.filter { $0.count >= 12 }.map { $0 + "\n" }.joined()
        guard let handle = FileHandle(forWritingAtPath: path) ?? {
            FileManager.default.createFile(atPath: path, contents: nil)
            return FileHandle(forWritingAtPath: path)
        }() else { return }
        defer { try? handle.close() }
        _ = try? handle.seekToEnd()
        try? handle.write(contentsOf: Data(lines.utf8))
    }
}
