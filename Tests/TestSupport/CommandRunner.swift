import Foundation
import ProcessSpawn

/// Runs a built executable to completion and captures what it printed.
public struct CommandResult: Sendable {
    /// The exit status, or 128 + the signal number when a signal ended it (as a shell reports it).
    public var status: Int32
    public var standardOutput: String
    public var standardError: String
}

/// ProcessSpawn's run for the tests: this process's environment plus some, output as text, and the
/// child's diagnostics kept with the test logs.
public enum CommandRunner {
    /// Runs `executable` with this process's environment plus `environment`, feeding it `input`
    /// (standard input is /dev/null without it). The waiting is off the cooperative pool (see ProcessSpawn).
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], input: Data? = nil) async throws -> CommandResult {
        let run = try await command(executable, arguments, environment).run(input: input.map { [UInt8]($0) })
        guard case .finished(let finished) = run else { fatalError("a run without a time limit cannot time out") }
        return result(finished, executable)
    }

    /// ``run(_:_:environment:input:)`` on the calling thread, for synchronous callers (test traits).
    static func runBlocking(_ executable: String, _ arguments: [String], environment: [String: String], input: Data?) throws -> CommandResult {
        result(try command(executable, arguments, environment).runBlocking(input: input.map { [UInt8]($0) }), executable)
    }

    private static func command(_ executable: String, _ arguments: [String], _ environment: [String: String]) -> Command {
        Command(executable, arguments, environment: ProcessEnvironment.current().merging(environment) { $1 })
    }

    private static func result(_ finished: FinishedRun, _ executable: String) -> CommandResult {
        // The child's diagnostics are logs the secret check must read; its stdout is its answer
        // (a code, for wait-code), so it is not kept.
        if TestLogs.directory != nil, !finished.errors.isEmpty {
            try? Data(finished.errors).write(to: URL(fileURLWithPath: TestLogs.path("\(URL(fileURLWithPath: executable).lastPathComponent).stderr")))
        }
        return CommandResult(
            status: finished.exit.status, standardOutput: String(decoding: finished.output, as: UTF8.self),
            standardError: String(decoding: finished.errors, as: UTF8.self))
    }
}
