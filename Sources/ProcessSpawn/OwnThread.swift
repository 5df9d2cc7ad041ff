#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Blocking work (a wait, pipes drained) on a thread of its own, never on a pool's: Swift's
/// cooperative pool has as many threads as cores (two here), and a blocked reader there starves
/// the reader of the other pipe while the child fills it, and nobody moves. Dispatch's global
/// queues grow only slowly past their width when their workers block.
enum OwnThread {
    /// Runs `body` on a new thread and answers with its result.
    static func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            start { continuation.resume(returning: body()) }
        }
    }

    /// Starts `body` on a new detached thread that blocks every signal: the process's signals go
    /// to its other threads, and a SIGPIPE raised by a write to a pipe whose reader has gone stays
    /// pending on this thread (the write fails with EPIPE instead) and goes with it.
    static func start(_ body: @escaping @Sendable () -> Void) {
        let box = Unmanaged.passRetained(Job(body)).toOpaque()
        #if canImport(Darwin)
            var thread: pthread_t? = nil
        #else
            var thread = pthread_t()
        #endif
        let result = pthread_create(
            &thread, nil,
            { raw in
                let job = Unmanaged<Job>.fromOpaque(OwnThread.pointer(raw)).takeRetainedValue()
                var every = sigset_t()
                sigfillset(&every)
                pthread_sigmask(SIG_SETMASK, &every, nil)
                job.body()
                return nil
            }, box)
        // Out of threads: the work still has to be done, here.
        guard result == 0 else { return Unmanaged<Job>.fromOpaque(box).takeRetainedValue().body() }
        #if canImport(Darwin)
            pthread_detach(thread!)
        #else
            pthread_detach(thread)
        #endif
    }

    private static func pointer(_ raw: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer { raw! }

    private final class Job {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
}

/// A pthread mutex: this module needs one lock and no package for it.
final class PlainLock: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }
}
