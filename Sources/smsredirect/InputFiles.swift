import Foundation

/// What a user points the CLI at, read with a size bound and errors that say what is wrong
/// with the path (missing, a directory, unreadable, too large) instead of Foundation's own words.
enum InputFiles {
    /// The most a message or event the CLI decrypts may hold: a Cognito event with its code is a
    /// few kilobytes, so a mebibyte is generous and still refuses a runaway pipe.
    static let messageLimit = 1 << 20

    /// The file's bytes.
    /// - Throws: `CLIFailure` naming `option`, the path, and what is wrong with it.
    static func read(_ path: String, option: String, limit: Int = messageLimit, holds: String = "a code's message or a Cognito event") throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CLIFailure("\(option) \(path): no such file")
        }
        guard !isDirectory.boolValue else { throw CLIFailure("\(option) \(path) is a directory: give the file inside it") }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CLIFailure("\(option) \(path) cannot be read: check its permissions") }
        defer { try? handle.close() }
        return try bounded(handle, what: "\(option) \(path)", limit: limit, holds: holds)
    }

    /// Standard input's bytes, up to `limit`.
    /// - Throws: `CLIFailure` when more than `limit` bytes arrive.
    static func readStandardInput(limit: Int = messageLimit) throws -> Data {
        try bounded(FileHandle.standardInput, what: "stdin", limit: limit, holds: "a code's message or a Cognito event")
    }

    private static func bounded(_ handle: FileHandle, what: String, limit: Int, holds: String) throws -> Data {
        var data = Data()
        while data.count <= limit, let chunk = try handle.read(upToCount: 64 * 1024), !chunk.isEmpty {
            data.append(chunk)
        }
        guard data.count <= limit else {
            throw CLIFailure("\(what) holds more than \(limit >= 1024 ? "\(limit / 1024) KiB" : "\(limit) bytes"): \(holds) is smaller; is it the right input?")
        }
        return data
    }
}
