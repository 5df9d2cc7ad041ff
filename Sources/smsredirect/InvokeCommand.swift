import ArgumentParser
import AWSCore
import AWSServices
import Foundation
import LambdaLocal
import LambdaRuntime
import RedirectClient
import SMSSender

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

            --async plays an asynchronous (Event) invocation, as Cognito makes one: while the function \
            fails, Lambda retries it (twice by default, after 1 and 2 minutes; --retry-delays shortens \
            them), and then sends its invocation record to the on-failure destination: here \
            --on-failure-queue-url, with the event's request.code redacted. The status is the last attempt's.

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

    @Option(help: "The function timeout: seconds (3, 0.5) or 90s, 5m; up to 900 s, Lambda's maximum.")
    var timeout = "3"

    @Option(help: "AWS_LAMBDA_FUNCTION_NAME.")
    var functionName = "smsredirect-local"

    @Option(help: "AWS_LAMBDA_FUNCTION_MEMORY_SIZE, in MB (128 to 10240).")
    var memory = 128

    @Option(help: "AWS_REGION (not set unless given).")
    var region: String?

    @Option(help: "_HANDLER (default: bootstrap).")
    var handler: String?

    @Flag(help: "Do not pass this shell's environment to the function; only Lambda's and --env.")
    var cleanEnv = false

    @Flag(help: "Print the time from process start to the first answer on stderr.")
    var timing = false

    @Flag(name: .customLong("async"), help: "Invoke as Lambda invokes asynchronously: retry a failure, then record it (see below).")
    var asynchronous = false

    @Option(help: ArgumentHelp("With --async: the delay before each retry, in seconds, comma-separated (Lambda's: 60,120).", valueName: "s,s"))
    var retryDelays = "60,120"

    @Option(help: "With --async: the SQS queue that receives the invocation record when every attempt failed.")
    var onFailureQueueUrl: String?

    func validate() throws {
        _ = try DurationBounds.functionTimeout.parse(timeout)
        _ = try CountBounds.functionMemory.check(memory)
        if !asynchronous, onFailureQueueUrl != nil { throw ValidationError("--on-failure-queue-url needs --async") }
        _ = try delays()
        for pair in environment where !pair.contains("=") {
            throw ValidationError("--env expects K=V, got \(pair)")
        }
    }

    func run() async throws {
        let invoker = LocalInvoker(
            LocalInvoker.Configuration(
                executable: bootstrap,
                arguments: arguments,
                environment: try parsedEnvironment(),
                inheritEnvironment: !cleanEnv,
                functionName: functionName,
                memorySizeMB: memory,
                region: region,
                handler: handler,
                timeout: try DurationBounds.functionTimeout.parse(timeout),
                output: .standardError
            ))
        let event = try readEvent()
        let outcome: InvocationOutcome
        do {
            if asynchronous {
                outcome = try await invokeAsynchronously(invoker, event: event)
            } else {
                let report = try await invoker.invoke(event: event)
                if timing, let elapsed = report.timeToFirstAnswer {
                    Self.printError("time to first answer: \(elapsed)")
                }
                outcome = report.outcome
            }
        } catch let cannotStart as BootstrapSpawnError {
            Self.printError(Self.errorJSON(type: "Runtime.InvalidEntrypoint", message: "\(cannotStart)"))
            throw ExitCode(Status.couldNotStart)
        }
        switch outcome {
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
            Self.printError(
                Self.errorJSON(
                    type: "Sandbox.Timedout",
                    message: "Task timed out after \(String(format: "%.2f", (try? DurationBounds.functionTimeout.seconds(timeout)) ?? 0)) seconds"))
            throw ExitCode(Status.timedOut)
        case .runtimeExited(let status):
            Self.printError(Self.errorJSON(type: "Runtime.ExitError", message: "Runtime exited with status \(status)"))
            throw ExitCode(Status.runtimeFailed)
        case .aborted(let reason):
            Self.printError(Self.errorJSON(type: "Runtime.Aborted", message: reason))
            throw ExitCode(Status.runtimeFailed)
        }
    }

    /// The retries, then the on-failure record; returns the last attempt's outcome.
    private func invokeAsynchronously(_ invoker: LocalInvoker, event: Data) async throws -> InvocationOutcome {
        let result = try await AsynchronousInvocation(invoker: invoker, retryDelays: try delays()).run(event: event)
        let last = result.outcomes.last ?? .aborted("no attempt ran")
        Self.printError("async: \(result.attempts) attempt\(result.attempts == 1 ? "" : "s"), \(result.succeeded ? "succeeded" : "every one failed")")
        if !result.succeeded, let onFailureQueueUrl, let error = last.lambdaError {
            let record = SenderFailure.invocationRecord(
                event: (try? JSONValue(data: event)) ?? .object([:]), functionArn: invoker.functionARN,
                attempts: result.attempts, errorType: error.type, errorMessage: error.message)
            let id = try await SQSClient(configuration: CLI.aws()).sendMessage(queueUrl: onFailureQueueUrl, body: record.jsonString)
            Self.printError("async: the invocation record went to \(onFailureQueueUrl) (message \(id))")
        }
        return last
    }

    private func delays() throws -> [Duration] {
        guard asynchronous else { return [] }
        let parts = retryDelays.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2 else {
            throw ValidationError(
                "--retry-delays '\(retryDelays)' gives \(parts.count) delays: Lambda retries an asynchronous event at most twice, e.g. 60,120")
        }
        return try parts.map { try DurationBounds.retryDelay.parse($0) }
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
