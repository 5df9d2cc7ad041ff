import Foundation

/// Runs a built executable to completion and captures what it printed.
public struct CommandResult: Sendable {
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
}

public enum CommandRunner {
    /// Runs `executable` with this process's environment plus `environment`, feeding it `input`.
    ///
    /// The blocking work (writing stdin, draining stdout and stderr, waiting for the exit) runs on
    /// threads of its own: on Swift's cooperative pool (two threads on a two-core machine) blocked
    /// pipe readers can starve the reader of the other pipe, the child fills it, and nobody moves.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], input: Data? = nil) async throws -> CommandResult {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try runBlocking(executable, arguments, environment: environment, input: input) })
            }
        }
    }

    static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String], input: Data?) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe(), errors = Pipe(), stdin = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input == nil ? FileHandle.nullDevice : stdin
        try process.run()
        let done = DispatchGroup()
        let box = Captured()
        for (handle, keyPath) in [(output.fileHandleForReading, \Captured.out), (errors.fileHandleForReading, \Captured.err)] {
            done.enter()
            Thread.detachNewThread {
                let data = handle.readDataToEndOfFile()
                box.lock.withLock { box[keyPath: keyPath] = data }
                done.leave()
            }
        }
        if let input {
            Thread.detachNewThread {
                // The throwing write: a child that stops reading early (refusing input past its
                // limit) closes the pipe, and the plain `write(_:)` traps on that broken pipe.
                try? stdin.fileHandleForWriting.write(contentsOf: input)
                try? stdin.fileHandleForWriting.close()
            }
        }
        done.wait()
        process.waitUntilExit()
        // The child's diagnostics are logs the secret check must read; its stdout is its answer
        // (a code, for wait-code), so it is not kept.
        if TestLogs.directory != nil, !box.err.isEmpty {
            try? box.err.write(to: URL(fileURLWithPath: TestLogs.path("\(URL(fileURLWithPath: executable).lastPathComponent).stderr")))
        }
        return box.lock.withLock {
            CommandResult(
                status: process.terminationStatus, standardOutput: String(decoding: box.out, as: UTF8.self),
                standardError: String(decoding: box.err, as: UTF8.self))
        }
    }

    private final class Captured: @unchecked Sendable {
        let lock = NSLock()
        var out = Data()
        var err = Data()
    }
}
