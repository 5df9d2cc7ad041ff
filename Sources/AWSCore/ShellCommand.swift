#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif
import Dispatch
import NIOConcurrencyHelpers

/// One run of a shell line, as `credential_process` is run: `/bin/sh -c LINE`, standard input from
/// `/dev/null`, standard output and error collected.
///
/// Written on `posix_spawn` rather than Foundation's `Process` because the sender links this module
/// and must not link the whole of Foundation (see ARCHITECTURE.md, "Why the sender avoids Foundation").
enum ShellCommand {
    /// How a run ended within its time.
    struct Finished: Sendable {
        /// The exit status, or 128 + the signal number when a signal ended it (as a shell reports it).
        var status: Int32
        var output: [UInt8]
        var errors: [UInt8]
    }

    /// Starting the shell failed: `posix_spawn` or `pipe` returned this `errno`.
    struct SpawnFailed: Error, CustomStringConvertible {
        var call: String
        var errno: Int32
        var description: String { "\(call) failed: \(String(cString: strerror(errno)))" }
    }

    /// Runs `line`; nil when it outlived `timeout`. The shell is then sent SIGTERM and the wait ends
    /// at once, even if a process it started still holds the pipes open.
    static func run(_ line: String, timeout: Duration) async throws -> Finished? {
        let output = try Pipe(), errors = try Pipe()
        let pid: pid_t
        do {
            pid = try spawnShell(line, output: output.writeEnd, errors: errors.writeEnd)
        } catch {
            for fd in [output.readEnd, output.writeEnd, errors.readEnd, errors.writeEnd] { close(fd) }
            throw error
        }
        // The child holds its own copies: with ours closed, the reads end when the child's do.
        close(output.writeEnd)
        close(errors.writeEnd)

        let answer = FirstAnswer<Finished?>()
        return await withCheckedContinuation { continuation in
            answer.onAnswer { continuation.resume(returning: $0) }
            // Both pipes at once: a command that fills one while the other is being read would stall.
            let collected = DispatchGroup()
            let bytes = NIOLockedValueBox((output: [UInt8](), errors: [UInt8]()))
            collected.enter()
            DispatchQueue.global().async {
                let read = readToEnd(output.readEnd)
                bytes.withLockedValue { $0.output = read }
                collected.leave()
            }
            collected.enter()
            DispatchQueue.global().async {
                let read = readToEnd(errors.readEnd)
                bytes.withLockedValue { $0.errors = read }
                collected.leave()
            }
            DispatchQueue.global().async {
                collected.wait()
                let status = waitForExit(pid)
                let (out, err) = bytes.withLockedValue { ($0.output, $0.errors) }
                answer.give(Finished(status: status, output: out, errors: err))
            }
            Task {
                try? await Task.sleep(for: timeout)
                guard !answer.isGiven else { return }
                kill(pid, SIGTERM)
                answer.give(nil)
            }
        }
    }

    private struct Pipe {
        var readEnd: Int32
        var writeEnd: Int32

        init() throws {
            var ends: [Int32] = [-1, -1]
            guard pipe(&ends) == 0 else { throw SpawnFailed(call: "pipe", errno: errno) }
            // Close-on-exec, so a process started elsewhere does not inherit these ends and hold
            // the reads open (Glibc's module does not export pipe2, which would set it at once).
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            readEnd = ends[0]
            writeEnd = ends[1]
        }
    }

    private static func spawnShell(_ line: String, output: Int32, errors: Int32) throws -> pid_t {
        #if canImport(Darwin)
            var actions: posix_spawn_file_actions_t? = nil
        #else
            var actions = posix_spawn_file_actions_t()
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        // dup2 clears close-on-exec on the copy, so the shell keeps exactly these two.
        posix_spawn_file_actions_adddup2(&actions, output, 1)
        posix_spawn_file_actions_adddup2(&actions, errors, 2)

        let arguments: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", line].map { (text: String) in strdup(text) }
        defer { arguments.forEach { free($0) } }
        var argv = arguments + [nil]
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", &actions, nil, &argv, environ)
        guard result == 0 else { throw SpawnFailed(call: "posix_spawn /bin/sh", errno: result) }
        return pid
    }

    private static func readToEnd(_ fd: Int32) -> [UInt8] {
        defer { close(fd) }
        var collected: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count > 0 {
                collected.append(contentsOf: chunk[..<count])
            } else if count == 0 || errno != EINTR {
                return collected
            }
        }
    }

    /// The wait status decoded by hand: glibc's `WIFEXITED` family are macros Swift cannot call.
    private static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

/// The first of several answers (the end of a run, its timeout), handed on once.
private final class FirstAnswer<Value: Sendable>: @unchecked Sendable {
    private let lock = NIOLock()
    private var resume: (Value) -> Void = { _ in }
    private var given = false

    var isGiven: Bool { lock.withLock { given } }

    func onAnswer(_ body: @escaping (Value) -> Void) { lock.withLock { resume = body } }

    func give(_ value: Value) {
        let body: ((Value) -> Void)? = lock.withLock {
            guard !given else { return nil }
            given = true
            return resume
        }
        body?(value)
    }
}
