import ArgumentParser
import AWSCore
import Foundation
import LambdaRuntime

/// `smsredirect invoke`: run a Lambda bootstrap locally against a loopback Runtime API
/// and print what it returns — `sam local invoke` without containers.
///
/// The result goes to stdout; the bootstrap's own output (its logs) and any error go to
/// stderr, so `smsredirect invoke … | jq` sees only the result.
struct Invoke: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Invoke a Lambda bootstrap locally with one event.",
        discussion: """
        Exit status: 0 response, 1 function error, 2 init error, 3 timed out, \
        4 runtime exited or failed to answer, 5 the bootstrap could not be started.

        Example:
          echo '{"hello": "world"}' | smsredirect invoke --bootstrap .build/debug/sender --event - \\
            --env KMS_KEY_ARN=arn:aws:kms:… --env SNS_TOPIC_ARN=arn:aws:sns:…
        """
    )

    /// Exit statuses, one per kind of failure, so scripts can tell them apart.
    enum Status {
        static let functionError: Int32 = 1
        static let initError: Int32 = 2
        static let timedOut: Int32 = 3
        static let runtimeFailed: Int32 = 4
        static let couldNotStart: Int32 = 5
    }

    @Option(help: "The bootstrap executable to run (a path, or a command in PATH).")
    var bootstrap: String

    @Option(
        name: .customLong("arg"),
        parsing: .unconditionalSingleValue,
        help: "An argument for the bootstrap (repeatable), e.g. --arg -m --arg awslambdaric."
    )
    var arguments: [String] = []

    @Option(help: "A file holding the event JSON, or - for stdin.")
    var event: String

    @Option(name: .customLong("env"), help: "An environment variable for the function, K=V (repeatable).")
    var environment: [String] = []

    @Option(help: "The function timeout in seconds.")
    var timeout: Double = 3

    @Option(help: "AWS_LAMBDA_FUNCTION_NAME.")
    var functionName = "smsredirect-local"

    @Option(help: "AWS_LAMBDA_FUNCTION_MEMORY_SIZE, in MB.")
    var memory = 128

    @Option(help: "AWS_REGION (not set unless given).")
    var region: String?

    @Option(help: "_HANDLER (default: bootstrap).")
    var handler: String?

    @Flag(help: "Do not pass this shell's environment to the function; only Lambda's and --env.")
    var cleanEnv = false

    @Flag(help: "Print the time from process start to the first answer on stderr.")
    var timing = false

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
        for pair in environment where !pair.contains("=") {
            throw ValidationError("--env expects K=V, got \(pair)")
        }
    }

    func run() async throws {
        let invoker = LocalInvoker(LocalInvoker.Configuration(
            executable: bootstrap,
            arguments: arguments,
            environment: try parsedEnvironment(),
            inheritEnvironment: !cleanEnv,
            functionName: functionName,
            memorySizeMB: memory,
            region: region,
            handler: handler,
            timeout: .milliseconds(Int64(timeout * 1000)),
            output: .standardError
        ))
        let event = try readEvent()
        let report: LocalInvoker.Report
        do {
            report = try await invoker.invoke(event: event)
        } catch let cannotStart as BootstrapSpawnError {
            Self.printError(Self.errorJSON(type: "Runtime.InvalidEntrypoint", message: "\(cannotStart)"))
            throw ExitCode(Status.couldNotStart)
        }
        if timing, let elapsed = report.timeToFirstAnswer {
            Self.printError("time to first answer: \(elapsed)")
        }
        switch report.outcome {
        case .response(let body):
            FileHandle.standardOutput.write(body)
            FileHandle.standardOutput.write(Data("\n".utf8))
        case .error(let type, let message):
            Self.printError(Self.errorJSON(type: type, message: message))
            throw ExitCode(Status.functionError)
        case .initError(let type, let message):
            Self.printError(Self.errorJSON(type: type, message: message))
            throw ExitCode(Status.initError)
        case .timedOut:
            Self.printError(Self.errorJSON(type: "Sandbox.Timedout", message: "Task timed out after \(timeout) seconds"))
            throw ExitCode(Status.timedOut)
        case .runtimeExited(let status):
            Self.printError(Self.errorJSON(type: "Runtime.ExitError", message: "Runtime exited with status \(status)"))
            throw ExitCode(Status.runtimeFailed)
        case .aborted(let reason):
            Self.printError(Self.errorJSON(type: "Runtime.Aborted", message: reason))
            throw ExitCode(Status.runtimeFailed)
        }
    }

    private func parsedEnvironment() throws -> [String: String] {
        var result: [String: String] = [:]
        for pair in environment {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            result[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        return result
    }

    private func readEvent() throws -> Data {
        if event == "-" { return FileHandle.standardInput.readDataToEndOfFile() }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: event))
        } catch {
            throw CLIFailure("cannot read event file \(event): \(error.localizedDescription)")
        }
    }

    private static func errorJSON(type: String, message: String) -> String {
        (["errorMessage": .string(message), "errorType": .string(type)] as JSONValue).jsonString
    }

    private static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
