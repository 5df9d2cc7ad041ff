#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import ProcessSpawn

/// How a child process ended (ProcessSpawn's ``ProcessExit``: `exited(status)` or `signaled(signal)`).
public typealias ChildExit = ProcessExit

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

/// A Lambda bootstrap as this harness runs it: a ProcessSpawn child in a process group of its own,
/// so that terminating it also stops whatever a shell bootstrap started.
typealias ChildProcess = SpawnedProcess

extension SpawnedProcess {
    /// Starts `executable` (searched in PATH when it has no slash) with exactly `environment`,
    /// leading a new process group.
    static func spawn(executable: String, arguments: [String], environment: [String: String], output: ChildOutput) throws -> SpawnedProcess {
        let command = Command(executable, arguments, environment: environment, newProcessGroup: true)
        let (out, err): (Redirect, Redirect) =
            switch output {
            case .inherit: (.inherit, .inherit)
            case .standardError: (.standardError, .inherit)
            case .file(let path): (.appendToFile(path), .appendToFile(path))
            }
        do {
            return try command.start(output: out, errors: err)
        } catch {
            throw BootstrapSpawnError(executable: error.subject, code: error.code)
        }
    }

    /// This process's environment.
    static func currentEnvironment() -> [String: String] { ProcessEnvironment.current() }
}
