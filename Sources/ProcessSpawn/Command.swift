#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A program to start: what to run, with which arguments and environment, and whether it leads a
/// process group of its own.
///
/// This module is the one way the project starts a process: `credential_process` (AWSCore, and so
/// the sender Lambda), the local Lambda harness (LambdaLocal) and the tests' command runner. It is
/// written on `posix_spawn` and libc alone, not on Foundation's `Process` nor a package, because
/// the sender links it and must not link the whole of Foundation or grow (see ARCHITECTURE.md,
/// "Why the sender avoids Foundation").
public struct Command: Sendable, Equatable {
    /// The program: run as given when it holds a slash, otherwise searched for in `PATH`.
    public var executable: String
    /// The arguments after the program's name (`argv[0]` is ``executable``).
    public var arguments: [String]
    /// The child's whole environment; nil gives it this process's environment as it is now.
    public var environment: [String: String]?
    /// Whether the child leads a new process group, so that ``SpawnedProcess/signalGroup(_:)``
    /// reaches whatever it starts too (a shell bootstrap's own children).
    public var newProcessGroup: Bool

    /// A program with its arguments.
    public init(_ executable: String, _ arguments: [String] = [], environment: [String: String]? = nil, newProcessGroup: Bool = false) {
        self.executable = executable
        self.arguments = arguments
        self.environment = environment
        self.newProcessGroup = newProcessGroup
    }

    /// `/bin/sh -c LINE`: for settings written as a shell line, which may quote their arguments.
    public static func shell(_ line: String, environment: [String: String]? = nil) -> Command {
        Command("/bin/sh", ["-c", line], environment: environment)
    }
}

/// Where a started child's standard output or standard error goes.
public enum Redirect: Sendable, Equatable {
    /// Where this process's own stream goes.
    case inherit
    /// `/dev/null`.
    case discard
    /// This process's standard error (for standard output: keeps this process's output for results).
    case standardError
    /// Appended to the file at this path, created if needed.
    case appendToFile(String)
}

/// A child could not be started: no process ran.
public struct SpawnError: Error, Equatable, CustomStringConvertible {
    /// What failed.
    public enum Step: Sendable, Equatable {
        /// `posix_spawn`: the program is missing, not executable, or not a program.
        case spawn
        /// Opening a file a stream was redirected to (its path is ``SpawnError/subject``).
        case openFile
        /// Making a pipe (out of descriptors).
        case pipe
    }

    /// What failed.
    public var step: Step
    /// The program as given, or the file that could not be opened.
    public var subject: String
    /// The `errno` value, e.g. `ENOENT`.
    public var code: Int32

    /// Creates the error for `step` on `subject` with `errno` value `code`.
    public init(step: Step, subject: String, code: Int32) {
        self.step = step
        self.subject = subject
        self.code = code
    }

    /// `cannot start PROGRAM: MESSAGE`, or what the file or pipe step was.
    public var description: String {
        let message = String(cString: strerror(code))
        return switch step {
        case .spawn: "cannot start \(subject): \(message)"
        case .openFile: "cannot open \(subject) for the child's output: \(message)"
        case .pipe: "cannot make a pipe for \(subject): \(message)"
        }
    }
}

/// How a child ended.
public enum ProcessExit: Sendable, Equatable, CustomStringConvertible {
    /// It exited with this status.
    case exited(Int32)
    /// This signal ended it.
    case signaled(Int32)

    /// Shell convention: the exit status, or 128 + the signal number.
    public var status: Int32 {
        switch self {
        case .exited(let code): code
        case .signaled(let signal): 128 + signal
        }
    }

    /// `exited with status N` or `killed by signal N`.
    public var description: String {
        switch self {
        case .exited(let code): "exited with status \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }

    /// Decodes a `waitpid` status by hand: glibc's `WIFEXITED` family are macros Swift cannot call.
    init(waitStatus status: Int32) {
        let signal = status & 0x7F
        self = signal == 0 ? .exited((status >> 8) & 0xFF) : .signaled(signal)
    }
}

/// This process's environment, as a child given ``Command/environment`` nil would get it.
public enum ProcessEnvironment {
    /// Every `NAME=value` of `environ`, read now.
    public static func current() -> [String: String] {
        var result: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            cursor += 1
        }
        return result
    }
}
