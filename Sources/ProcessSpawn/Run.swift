#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// A child that ran to its end, and what it wrote.
public struct FinishedRun: Sendable, Equatable {
    /// How it ended.
    public var exit: ProcessExit
    /// Everything it wrote to standard output.
    public var output: [UInt8]
    /// Everything it wrote to standard error.
    public var errors: [UInt8]
}

/// How a run with a time limit ended.
public enum RunOutcome: Sendable, Equatable {
    /// The child ended within its time.
    case finished(FinishedRun)
    /// The child outlived its time: it was sent SIGTERM (its group, when it leads one), and
    /// SIGKILL ``Command/killGrace`` later if it was still there.
    case timedOut
}

extension Command {
    /// How long a child sent SIGTERM for its timeout has to end before it is sent SIGKILL: one
    /// that ignores SIGTERM would otherwise outlive the run, and hold its pipes' reader for ever.
    public static let killGrace: Duration = .seconds(2)

    /// Runs the child to its end: standard input is `input` (`/dev/null` when nil), standard output
    /// and error are collected apart. With a `timeout`, a child that outlives it is sent SIGTERM
    /// (SIGKILL ``killGrace`` later, if it is still there) and the answer is ``RunOutcome/timedOut``
    /// at once, even if a process it started still holds the pipes open (they are drained and the
    /// child reaped when they close, off every pool).
    public func run(input: [UInt8]? = nil, timeout: Duration? = nil) async throws(SpawnError) -> RunOutcome {
        let (process, streams) = try startCollecting(input: input)
        let answer = FirstAnswer<RunOutcome>()
        let signalsGroup = newProcessGroup
        let timer = timeout.map { limit in
            Task {
                try await Task.sleep(for: limit)
                var timedOut = false
                answer.give(.timedOut) {
                    timedOut = true
                    signalsGroup ? process.signalGroup(SIGTERM) : process.signal(SIGTERM)
                }
                guard timedOut else { return }
                // Not cancelled with the timer: the run has answered, the child may not have ended.
                Task.detached {
                    try? await Task.sleep(for: Self.killGrace)
                    signalsGroup ? process.signalGroup(SIGKILL) : process.signal(SIGKILL)
                }
            }
        }
        OwnThread.start {
            let (output, errors) = streams.drain()
            let exit = process.waitBlocking()
            answer.give(.finished(FinishedRun(exit: exit, output: output, errors: errors)))
        }
        let outcome = await withCheckedContinuation { answer.onAnswer($0) }
        timer?.cancel()
        return outcome
    }

    /// ``run(input:timeout:)`` without a time limit, on the calling thread (for synchronous
    /// callers: a test trait deciding whether a tool is there).
    public func runBlocking(input: [UInt8]? = nil) throws(SpawnError) -> FinishedRun {
        let (process, streams) = try startCollecting(input: input)
        let (output, errors) = streams.drain()
        return FinishedRun(exit: process.waitBlocking(), output: output, errors: errors)
    }

    /// Starts the child on three pipes (standard input on `/dev/null` when there is no `input`),
    /// and keeps this process's ends of them.
    private func startCollecting(input: [UInt8]?) throws(SpawnError) -> (SpawnedProcess, CollectedStreams) {
        var ours: [Int32] = [], theirs: [Int32] = []
        var started = false
        // The child holds its own copies of its ends: with ours closed, our reads end when its do.
        defer {
            theirs.forEach { _ = close($0) }
            if !started { ours.forEach { _ = close($0) } }
        }
        let output = try Pipe(for: executable)
        ours.append(output.readEnd)
        theirs.append(output.writeEnd)
        let errors = try Pipe(for: executable)
        ours.append(errors.readEnd)
        theirs.append(errors.writeEnd)
        var feed: Pipe?
        if input != nil {
            let pipe = try Pipe(for: executable)
            ours.append(pipe.writeEnd)
            theirs.append(pipe.readEnd)
            feed = pipe
        }
        let process = try spawn(
            input: feed.map { .descriptor($0.readEnd) } ?? .null, output: .descriptor(output.writeEnd), errors: .descriptor(errors.writeEnd))
        started = true
        return (process, CollectedStreams(output: output.readEnd, errors: errors.readEnd, input: feed?.writeEnd, bytes: input ?? []))
    }
}

/// This process's ends of a child's three pipes: both outputs read and the input written at once,
/// by one `poll` loop, since a child that fills one pipe while another is being waited on would stall.
private struct CollectedStreams: Sendable {
    var output: Int32
    var errors: Int32
    var input: Int32?
    var bytes: [UInt8]

    /// Reads both outputs to their ends and writes all of `bytes` (or as much as the child reads
    /// before it closes its input), closing every descriptor.
    func drain() -> (output: [UInt8], errors: [UInt8]) {
        // A write to a pipe whose reader has gone raises SIGPIPE, which by default ends this
        // process: blocked here, the write fails with EPIPE instead, and the signal is taken back.
        var pipeSignal = sigset_t(), previous = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, &previous)
        defer {
            var pending = sigset_t()
            sigpending(&pending)
            if sigismember(&pending, SIGPIPE) == 1, sigismember(&previous, SIGPIPE) == 0 {
                var now = timespec()
                _ = sigtimedwait(&pipeSignal, nil, &now)
            }
            pthread_sigmask(SIG_SETMASK, &previous, nil)
        }

        var collected: [[UInt8]] = [[], []]
        var readers: [(fd: Int32, slot: Int)] = [(output, 0), (errors, 1)]
        var writer = input
        var written = 0
        if let fd = writer {
            // Never blocked on a full pipe while the child waits for its output to be read.
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            if bytes.isEmpty {
                close(fd)
                writer = nil
            }
        }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while !readers.isEmpty || writer != nil {
            var polled = readers.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            if let fd = writer { polled.append(pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)) }
            if poll(&polled, nfds_t(polled.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            var open: [(fd: Int32, slot: Int)] = []
            for (index, reader) in readers.enumerated() {
                guard polled[index].revents != 0 else {
                    open.append(reader)
                    continue
                }
                let count = chunk.withUnsafeMutableBytes { read(reader.fd, $0.baseAddress, $0.count) }
                if count > 0 {
                    collected[reader.slot].append(contentsOf: chunk[..<count])
                    open.append(reader)
                } else if count < 0, errno == EINTR || errno == EAGAIN {
                    open.append(reader)
                } else {
                    close(reader.fd)
                }
            }
            readers = open
            if let fd = writer, let events = polled.last?.revents, events != 0 {
                let count = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
                if count > 0 {
                    written += count
                    if written == bytes.count {
                        close(fd)
                        writer = nil
                    }
                } else if !(count < 0 && (errno == EINTR || errno == EAGAIN)) {
                    // The child closed its input before reading it all (EPIPE): the rest is dropped.
                    close(fd)
                    writer = nil
                }
            }
        }
        readers.forEach { _ = close($0.fd) }
        if let fd = writer { close(fd) }
        return (collected[0], collected[1])
    }
}

/// The first of several answers (the end of a run, its timeout), handed on once.
private final class FirstAnswer<Value: Sendable>: @unchecked Sendable {
    private let lock = PlainLock()
    private var continuation: CheckedContinuation<Value, Never>?
    private var early: Value?
    private var given = false

    /// Where the answer goes; an answer given before this is handed on now.
    func onAnswer(_ continuation: CheckedContinuation<Value, Never>) {
        let value: Value? = lock.withLock {
            guard let early else {
                self.continuation = continuation
                return nil
            }
            return early
        }
        if let value { continuation.resume(returning: value) }
    }

    /// Hands `value` on if no answer came first; `first` runs under the lock, only then.
    func give(_ value: Value, first: () -> Void = {}) {
        let waiting: CheckedContinuation<Value, Never>? = lock.withLock {
            guard !given else { return nil }
            given = true
            first()
            guard let continuation else {
                early = value
                return nil
            }
            return continuation
        }
        waiting?.resume(returning: value)
    }
}
