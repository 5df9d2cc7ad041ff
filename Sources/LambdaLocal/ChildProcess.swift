#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import LambdaRuntime

/// How a child process ended.
public enum ChildExit: Sendable, Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    /// Shell convention: the exit status, or 128 + signal number.
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
}

/// Where a child's stdout and stderr go.
public enum ChildOutput: Sendable, Equatable {
    /// Both streams to this process's stderr, keeping this process's stdout for results.
    case standardError
    /// The child shares this process's stdout and stderr.
    case inherit
    /// Both streams appended to the file at this path (created if needed).
    case file(String)
}

/// The bootstrap could not be started at all (no such file, not executable): no invocation ran.
public struct BootstrapSpawnError: Error, CustomStringConvertible {
    /// The executable as configured, or the output file that could not be opened.
    public var executable: String
    /// The `errno` value from `posix_spawn` (or `open`), e.g. `ENOENT`.
    public var code: Int32
    /// The executable and the system's message for ``code``.
    public var description: String { "cannot start \(executable): \(String(cString: strerror(code)))" }
}

/// A spawned child process in its own process group.
///
/// Spawned with `posix_spawn` rather than Foundation's `Process` for two reasons: the
/// child leads a new process group, so terminating it also stops whatever a shell
/// bootstrap started; and this module stays free of full Foundation, which keeps the
/// start-up of Lambdas built on it short.
struct ChildProcess: Sendable {
    let pid: pid_t

    /// Starts `executable` (searched in PATH when it has no slash) with exactly `environment`.
    static func spawn(
        executable: String,
        arguments: [String],
        environment: [String: String],
        output: ChildOutput
    ) throws -> ChildProcess {
        #if canImport(Darwin)
            var actions: posix_spawn_file_actions_t? = nil
            var attributes: posix_spawnattr_t? = nil
        #else
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        posix_spawnattr_init(&attributes)
        defer {
            posix_spawn_file_actions_destroy(&actions)
            posix_spawnattr_destroy(&attributes)
        }

        var outputFD: Int32 = -1
        switch output {
        case .inherit:
            break
        case .standardError:
            posix_spawn_file_actions_adddup2(&actions, 2, 1)
        case .file(let path):
            outputFD = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
            guard outputFD >= 0 else { throw BootstrapSpawnError(executable: path, code: errno) }
            posix_spawn_file_actions_adddup2(&actions, outputFD, 1)
            posix_spawn_file_actions_adddup2(&actions, outputFD, 2)
        }
        defer { if outputFD >= 0 { close(outputFD) } }

        // New process group (so the whole tree can be signalled), default signal
        // dispositions (NIO ignores SIGPIPE, which exec would otherwise pass on) and an
        // empty signal mask.
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGPIPE)
        var mask = sigset_t()
        sigemptyset(&mask)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &mask)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }

        var pid: pid_t = 0
        let result =
            executable.contains("/")
            ? posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
            : posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
        guard result == 0 else { throw BootstrapSpawnError(executable: executable, code: result) }
        return ChildProcess(pid: pid)
    }

    /// Waits for the child to end, without tying up a thread.
    ///
    /// Polls `waitpid(WNOHANG)`: a blocked `waitpid` would pin one of very few threads
    /// for the child's whole life, and exit latency here is not on any measured path.
    func wait() async -> ChildExit {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid { return Self.decode(status) }
            if result < 0 && errno != EINTR { return .exited(-1) }
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// The child's peak resident set size so far (`VmHWM` in /proc/<pid>/status), in KiB;
    /// nil where there is no /proc or the child has ended. (An `exec` — `env python3` — keeps
    /// the pid, and the kernel starts the count afresh for the new image.)
    func peakResidentKiB() -> Int? {
        let fd = open("/proc/\(pid)/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(fd, &chunk, chunk.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return line.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) }
        }
        return nil
    }

    /// Sends `signal` to the child's whole process group.
    func signalGroup(_ signal: Int32) {
        kill(-pid, signal)
    }

    private static func decode(_ status: Int32) -> ChildExit {
        // The WIFEXITED / WEXITSTATUS macros are not imported into Swift.
        let signal = status & 0x7F
        return signal == 0 ? .exited((status >> 8) & 0xFF) : .signaled(signal)
    }

    /// This process's environment.
    static func currentEnvironment() -> [String: String] {
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
