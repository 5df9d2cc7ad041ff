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
        let output = try Pipe()
        let errors: Pipe
        do { errors = try Pipe() } catch {
            output.closeBothEnds()
            throw error
        }
        let pid: pid_t
        do { pid = try spawnShell(line, output: output.writeEnd, errors: errors.writeEnd) } catch {
            output.closeBothEnds()
            errors.closeBothEnds()
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
            // Once both pipes are at their end: no thread waits for that.
            collected.notify(queue: .global()) {
                let status = waitForExit(pid)
                let (out, err) = bytes.withLockedValue { ($0.output, $0.errors) }
                answer.give(Finished(status: status, output: out, errors: err))
            }
            Task {
                try? await Task.sleep(for: timeout)
                // Under the answer's lock, so a shell already reaped (its pid free for reuse) is not signalled.
                answer.give(nil) { kill(pid, SIGTERM) }
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

        func closeBothEnds() {
            close(readEnd)
            close(writeEnd)
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
        #if os(Linux)
            // Nothing else of this process reaches the shell or what it starts (as Foundation's
            // Process does): another run's pipe held open would keep that run's reads waiting.
            _ = addCloseFrom(&actions, 3)
        #endif

        // A fresh signal state: the spawning thread (a dispatch or concurrency worker) blocks
        // signals, and a child that inherits the mask would ignore the timeout's SIGTERM.
        #if canImport(Darwin)
            var attributes: posix_spawnattr_t? = nil
        #else
            var attributes = posix_spawnattr_t()
        #endif
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t(), everySignal = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&everySignal)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let arguments: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", line].map { (text: String) in strdup(text) }
        defer { arguments.forEach { free($0) } }
        var argv = arguments + [nil]
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/bin/sh", &actions, &attributes, &argv, environ)
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
    /// -1 when the wait itself failed, which no exit status is.
    private static func waitForExit(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else { return -1 }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}

#if os(Linux)
    /// glibc 2.34's `posix_spawn_file_actions_addclosefrom_np`, which its Swift module does not
    /// export (it is declared only for `_GNU_SOURCE`); 2.34 is what Lambda's provided.al2023 has.
    @_silgen_name("posix_spawn_file_actions_addclosefrom_np")
    private func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32
#endif

/// The first of several answers (the end of a run, its timeout), handed on once.
private final class FirstAnswer<Value: Sendable>: @unchecked Sendable {
    private let lock = NIOLock()
    private var resume: (Value) -> Void = { _ in }
    private var given = false

    func onAnswer(_ body: @escaping (Value) -> Void) { lock.withLock { resume = body } }

    /// Hands `value` on if no answer came first; `first` runs under the lock, only then.
    func give(_ value: Value, first: () -> Void = {}) {
        let body: ((Value) -> Void)? = lock.withLock {
            guard !given else { return nil }
            given = true
            first()
            return resume
        }
        body?(value)
    }
}
