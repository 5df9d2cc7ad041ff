#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import LambdaRuntime

/// Runs a Lambda `bootstrap` as a child process under a ``LoopbackRuntimeAPI`` and
/// collects the outcome: `sam local invoke`, without containers.
///
/// The child gets the Lambda environment (`AWS_LAMBDA_RUNTIME_API`, function name,
/// memory, version, `_HANDLER`, `LAMBDA_TASK_ROOT`, …) on top of this process's
/// environment (unless ``Configuration/inheritEnvironment`` is false) and the
/// configured extra variables. It is always terminated before `invoke` returns.
public struct LocalInvoker: Sendable {
    /// How the child is started and what Lambda environment it sees.
    public struct Configuration: Sendable {
        /// The bootstrap executable (a path, or a name looked up in PATH).
        public var executable: String
        /// Command-line arguments after the executable.
        public var arguments: [String]
        /// Extra variables (`--env K=V`), applied last, so they win.
        public var environment: [String: String]
        /// Start from this process's environment (PATH, credentials, endpoints …).
        public var inheritEnvironment: Bool
        /// `AWS_LAMBDA_FUNCTION_NAME`; also names the log group and ends the function ARN.
        public var functionName: String
        /// `AWS_LAMBDA_FUNCTION_VERSION`, `$LATEST` by default.
        public var functionVersion: String
        /// `AWS_LAMBDA_FUNCTION_MEMORY_SIZE`, in megabytes; reported only, not enforced.
        public var memorySizeMB: Int
        /// `AWS_REGION` and `AWS_DEFAULT_REGION`; nil leaves them as inherited (the ARN then says `us-east-1`).
        public var region: String?
        /// `_HANDLER`; custom runtimes may ignore it, awslambdaric needs it.
        public var handler: String?
        /// `LAMBDA_TASK_ROOT`; defaults to the executable's directory.
        public var taskRoot: String?
        /// The function timeout: each invocation's deadline is this long after it is queued.
        public var timeout: Duration
        /// Where the child's stdout and stderr go.
        public var output: ChildOutput

        /// Creates a configuration; the defaults match a small `$LATEST` function with a 3 s timeout.
        public init(
            executable: String,
            arguments: [String] = [],
            environment: [String: String] = [:],
            inheritEnvironment: Bool = true,
            functionName: String = "smsredirect-local",
            functionVersion: String = "$LATEST",
            memorySizeMB: Int = 128,
            region: String? = nil,
            handler: String? = nil,
            taskRoot: String? = nil,
            timeout: Duration = .seconds(3),
            output: ChildOutput = .standardError
        ) {
            self.executable = executable
            self.arguments = arguments
            self.environment = environment
            self.inheritEnvironment = inheritEnvironment
            self.functionName = functionName
            self.functionVersion = functionVersion
            self.memorySizeMB = memorySizeMB
            self.region = region
            self.handler = handler
            self.taskRoot = taskRoot
            self.timeout = timeout
            self.output = output
        }
    }

    /// The variables Lambda sets for a `provided.al2023` function besides those every local run
    /// gets (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
    public static let providedRuntimeEnvironment = [
        "LD_LIBRARY_PATH": "/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib",
        "PATH": "/usr/local/bin:/usr/bin/:/bin:/opt/bin",
        "LAMBDA_RUNTIME_DIR": "/var/runtime",
    ]

    /// Runs `command`, which enters a sandbox laid out as Lambda lays one out and starts its
    /// `/var/task/bootstrap` there (scripts/enter-lambda-root.sh ROOT /var/task/bootstrap), as
    /// `provided.al2023` starts it: Lambda's variables, then `environment`; nothing is inherited
    /// from this process.
    public static func sandboxed(
        command: [String], environment: [String: String], functionName: String, memorySizeMB: Int = 256,
        region: String, timeout: Duration, output: ChildOutput
    ) -> Configuration {
        Configuration(
            executable: command.first ?? "", arguments: Array(command.dropFirst()),
            environment: providedRuntimeEnvironment.merging(environment) { $1 }, inheritEnvironment: false,
            functionName: functionName, memorySizeMB: memorySizeMB, region: region, handler: "bootstrap",
            taskRoot: "/var/task", timeout: timeout, output: output)
    }

    /// What happened to a run of one process.
    public struct Report: Sendable {
        /// One outcome per event attempted, in order. A run stops after the first
        /// outcome that leaves the environment unusable (init error, timeout, exit).
        public var outcomes: [InvocationOutcome]
        /// How the child ended (after being terminated, if it was still running).
        public var exit: ChildExit
        /// From spawning the child to its first response or error post: cold start plus
        /// the first invocation. nil when it posted neither.
        public var timeToFirstAnswer: Duration?
        /// From spawning the child to its first `GET next`: its init alone (loading, the
        /// clients it makes before it asks for work). nil when it never asked.
        public var timeToFirstNext: Duration?
        /// What the child posted, in order.
        public var posts: [RecordedPost]
        /// Per outcome, from queuing the event to its outcome (Lambda's "Duration", plus the
        /// Runtime API round trip; the first one includes the cold start).
        public var durations: [Duration]
        /// The child's peak resident set (`VmHWM` of /proc/<pid>/status, read just before it is
        /// stopped), in kibibytes: Lambda's "Max Memory Used". nil where /proc is not available
        /// or the child had already ended.
        public var maxMemoryUsedKiB: Int?

        /// The first outcome (the only one for a single event).
        public var outcome: InvocationOutcome { outcomes.first ?? .aborted("no event was sent") }
    }

    /// The settings every run of this invoker uses.
    public let configuration: Configuration

    /// Creates an invoker; nothing starts until ``invoke(event:)`` or ``invoke(events:)``.
    public init(_ configuration: Configuration) {
        self.configuration = configuration
    }

    /// Invokes the function once with `event`.
    public func invoke(event: Data) async throws -> Report {
        try await invoke(events: [event])
    }

    /// Invokes the function with each event in turn, all served by one process.
    public func invoke(events: [Data]) async throws -> Report {
        let api = try await LoopbackRuntimeAPI.start(functionARN: functionARN)
        let child: ChildProcess
        let spawnedAt = ContinuousClock.now
        do {
            child = try ChildProcess.spawn(
                executable: configuration.executable,
                arguments: configuration.arguments,
                environment: childEnvironment(runtimeAPI: api.endpoint),
                output: configuration.output
            )
        } catch {
            await api.shutdown()
            throw error
        }

        // Whichever comes first, an answer or the child's death, ends an invocation.
        let exitWatcher = Task {
            let exit = await child.wait()
            api.finishPending(with: .runtimeExited(status: exit.status))
            return exit
        }

        var outcomes: [InvocationOutcome] = []
        var durations: [Duration] = []
        for event in events {
            let queuedAt = ContinuousClock.now
            let outcome = await api.invoke(event: event, timeout: configuration.timeout)
            durations.append(.now - queuedAt)
            outcomes.append(outcome)
            if !outcome.leavesRuntimeUsable { break }
        }
        let maxMemoryUsedKiB = child.peakResidentKiB()

        // After an init error the runtime is expected to exit by itself (Lambda would
        // then report its status); give it the chance before stopping it.
        var grace = Duration.zero
        if case .initError? = outcomes.last { grace = .seconds(2) }
        let exit = await terminate(child, watcher: exitWatcher, grace: grace)
        let posts = api.posts
        let firstNextAt = api.firstNextAt
        await api.shutdown()
        let firstAnswer = posts.first { $0.kind != .initError }?.receivedAt
        return Report(
            outcomes: outcomes,
            exit: exit,
            timeToFirstAnswer: firstAnswer.map { $0 - spawnedAt },
            timeToFirstNext: firstNextAt.map { $0 - spawnedAt },
            posts: posts,
            durations: durations,
            maxMemoryUsedKiB: maxMemoryUsedKiB
        )
    }

    /// After `grace`, SIGTERM to the process group, then SIGKILL if it has not gone
    /// within a second.
    private func terminate(_ child: ChildProcess, watcher: Task<ChildExit, Never>, grace: Duration) async -> ChildExit {
        let killer = Task {
            if grace > .zero { try await Task.sleep(for: grace) }
            child.signalGroup(SIGTERM)
            try await Task.sleep(for: .seconds(1))
            child.signalGroup(SIGKILL)
        }
        let exit = await watcher.value
        killer.cancel()
        // Anything the bootstrap started and left behind in its group goes too.
        child.signalGroup(SIGKILL)
        return exit
    }

    /// The ARN the loopback Runtime API gives the function (a placeholder account).
    public var functionARN: String {
        let region = configuration.region ?? "us-east-1"
        return "arn:aws:lambda:\(region):000000000000:function:\(configuration.functionName)"
    }

    /// The child's environment: inherited, then Lambda's reserved variables, then `--env`.
    func childEnvironment(runtimeAPI: RuntimeAPIEndpoint) -> [String: String] {
        var environment = configuration.inheritEnvironment ? ChildProcess.currentEnvironment() : [:]
        let taskRoot = configuration.taskRoot ?? Self.directory(of: configuration.executable)
        environment["AWS_LAMBDA_RUNTIME_API"] = runtimeAPI.description
        environment["AWS_LAMBDA_FUNCTION_NAME"] = configuration.functionName
        environment["AWS_LAMBDA_FUNCTION_VERSION"] = configuration.functionVersion
        environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] = String(configuration.memorySizeMB)
        environment["AWS_LAMBDA_LOG_GROUP_NAME"] = "/aws/lambda/\(configuration.functionName)"
        environment["AWS_LAMBDA_LOG_STREAM_NAME"] = "local/[\(configuration.functionVersion)]local"
        environment["AWS_EXECUTION_ENV"] = "AWS_Lambda_provided.al2023"
        environment["LAMBDA_TASK_ROOT"] = taskRoot
        environment["LAMBDA_RUNTIME_DIR"] = taskRoot
        environment["TZ"] = ":UTC"
        environment["LANG"] = environment["LANG"] ?? "en_US.UTF-8"
        if let region = configuration.region {
            environment["AWS_REGION"] = region
            environment["AWS_DEFAULT_REGION"] = region
        }
        environment["_HANDLER"] = configuration.handler ?? environment["_HANDLER"] ?? "bootstrap"
        // A trace header from the invoking shell must not leak into the first invocation.
        environment["_X_AMZN_TRACE_ID"] = nil
        environment.merge(configuration.environment) { $1 }
        return environment
    }

    private static func directory(of executable: String) -> String {
        guard let slash = executable.lastIndex(of: "/") else {
            guard let cwd = getcwd(nil, 0) else { return "." }
            defer { free(cwd) }
            return String(cString: cwd)
        }
        let directory = String(executable[..<slash])
        return directory.isEmpty ? "/" : directory
    }
}
