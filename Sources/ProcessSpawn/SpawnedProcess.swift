#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

extension Command {
    /// Starts the child and returns at once, for a child that lives alongside this process (a
    /// Lambda bootstrap): standard input is inherited, the two outputs go where they are told.
    public func start(output: Redirect = .inherit, errors: Redirect = .inherit) throws(SpawnError) -> SpawnedProcess {
        var opened: [Int32] = []
        defer { opened.forEach { _ = close($0) } }
        func stream(_ redirect: Redirect) throws(SpawnError) -> StandardStream {
            switch redirect {
            case .inherit: return .inherit
            case .discard: return .null
            case .standardError: return .descriptor(2)
            case .appendToFile(let path):
                let fd = try openForAppending(path)
                opened.append(fd)
                return .descriptor(fd)
            }
        }
        return try spawn(input: .inherit, output: try stream(output), errors: try stream(errors))
    }
}

/// A started child, until it is waited for.
///
/// It is signalled alone only while it has not been reaped: once reaped its pid may be another
/// process's, which a late timeout must not hit.
public struct SpawnedProcess: Sendable {
    /// The child's process id (and its process group's, when it leads one).
    public let pid: pid_t
    private let reaping: Reaping

    init(pid: pid_t) {
        self.pid = pid
        reaping = Reaping()
    }

    /// Waits for the child to end and reaps it, on a thread of its own: a blocked wait would
    /// otherwise hold one of the cooperative pool's few threads (two on a two-core machine) for the
    /// child's whole life. Every call answers the same.
    public func wait() async -> ProcessExit {
        await OwnThread.run { waitBlocking() }
    }

    /// ``wait()`` on the calling thread.
    public func waitBlocking() -> ProcessExit {
        if let exit = reaping.withLock({ $0 }) { return exit }
        // Waits without reaping (WNOWAIT), then reaps under the lock the signals take: between
        // the two the pid is still this child's, so a signal sent then is harmless.
        var info = siginfo_t()
        while waitid(P_PID, id_t(pid), &info, WEXITED | WNOWAIT) == -1 && errno == EINTR {}
        return reaping.withLock { reaped in
            if let reaped { return reaped }
            var status: Int32 = 0
            var result: pid_t
            repeat { result = waitpid(pid, &status, 0) } while result == -1 && errno == EINTR
            // -1 only when the child was reaped elsewhere (ECHILD), which no exit status says.
            let exit: ProcessExit = result == pid ? ProcessExit(waitStatus: status) : .exited(-1)
            reaped = exit
            return exit
        }
    }

    /// Sends `signal` to the child alone, unless it has been reaped.
    public func signal(_ signal: Int32) {
        reaping.withLock { if $0 == nil { _ = kill(pid, signal) } }
    }

    /// Sends `signal` to the child's whole process group (it must lead one: ``Command/newProcessGroup``),
    /// even once the child has been reaped: what it started and left behind in its group goes too.
    /// The kernel gives a group's id to no new process while any member of the group is left.
    public func signalGroup(_ signal: Int32) {
        _ = kill(-pid, signal)
    }

    /// The child's peak resident set size so far (`VmHWM` in /proc/<pid>/status), in KiB; nil
    /// where there is no /proc or the child has ended. (An `exec` — `env python3` — keeps the pid,
    /// and the kernel starts the count afresh for the new image.)
    public func peakResidentKiB() -> Int? {
        let fd = open("/proc/\(pid)/status", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        let text = String(decoding: readToEnd(fd), as: UTF8.self)
        for line in text.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            return line.dropFirst(6).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) }
        }
        return nil
    }
}

/// Reads `fd` to its end and closes it.
func readToEnd(_ fd: Int32) -> [UInt8] {
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

/// The child's exit once reaped, behind a lock.
private final class Reaping: @unchecked Sendable {
    private let lock = PlainLock()
    private var exit: ProcessExit?

    func withLock<T>(_ body: (inout ProcessExit?) -> T) -> T {
        lock.withLock { body(&exit) }
    }
}
