#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where one of the child's three standard descriptors comes from, as `posix_spawn` is told.
enum StandardStream {
    /// Left as this process has it.
    case inherit
    /// `/dev/null`, opened for reading (0) or writing (1, 2).
    case null
    /// This process's descriptor `fd` (a pipe end, an opened file), duplicated onto the stream.
    case descriptor(Int32)
}

extension Command {
    /// Starts the child with its standard descriptors set as given: nothing else of this process
    /// reaches it (Linux), its signal state is fresh, and it leads a new process group when asked.
    func spawn(input: StandardStream, output: StandardStream, errors: StandardStream) throws(SpawnError) -> SpawnedProcess {
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
        // In descriptor order, so that standard output sent to "this process's standard error"
        // (descriptor 2 duplicated) takes this process's 2, before the child's own 2 is set.
        for (target, stream) in [(Int32(0), input), (1, output), (2, errors)] {
            switch stream {
            case .inherit: break
            case .null: posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            // dup2 clears close-on-exec on the copy, so the child keeps exactly these.
            case .descriptor(let fd): posix_spawn_file_actions_adddup2(&actions, fd, target)
            }
        }
        #if os(Linux)
            // Nothing else of this process reaches the child or what it starts (as Foundation's
            // Process does): another run's pipe held open would keep that run's reads waiting.
            _ = addCloseFrom(&actions, 3)
        #endif

        // A fresh signal state: the spawning thread (a dispatch or concurrency worker) blocks
        // signals, and a child that inherits the mask would ignore a timeout's SIGTERM; and every
        // disposition back to its default (NIO ignores SIGPIPE, which exec would otherwise pass on).
        var noSignals = sigset_t(), everySignal = sigset_t()
        sigemptyset(&noSignals)
        sigfillset(&everySignal)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &everySignal)
        var flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        if newProcessGroup {
            // Process group 0: a new group, led by the child, so a signal to the group reaches
            // whatever a shell bootstrap started too.
            posix_spawnattr_setpgroup(&attributes, 0)
            flags |= POSIX_SPAWN_SETPGROUP
        }
        posix_spawnattr_setflags(&attributes, Int16(flags))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer {
            argv.forEach { free($0) }
            envp?.forEach { free($0) }
        }
        var pid: pid_t = 0
        let result: Int32 =
            if let envp {
                executable.contains("/")
                    ? posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
                    : posix_spawnp(&pid, executable, &actions, &attributes, argv, envp)
            } else {
                executable.contains("/")
                    ? posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
                    : posix_spawnp(&pid, executable, &actions, &attributes, argv, environ)
            }
        guard result == 0 else { throw SpawnError(step: .spawn, subject: executable, code: result) }
        return SpawnedProcess(pid: pid)
    }
}

/// A pipe whose two ends are close-on-exec, so that a process started elsewhere does not inherit
/// them and hold a read open (Glibc's module does not export pipe2, which would set it at once).
struct Pipe {
    var readEnd: Int32
    var writeEnd: Int32

    init(for subject: String) throws(SpawnError) {
        var ends: [Int32] = [-1, -1]
        guard pipe(&ends) == 0 else { throw SpawnError(step: .pipe, subject: subject, code: errno) }
        for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        readEnd = ends[0]
        writeEnd = ends[1]
    }
}

/// Opens `path` for appending (created if needed), close-on-exec: the child gets its copy by dup2.
func openForAppending(_ path: String) throws(SpawnError) -> Int32 {
    let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw SpawnError(step: .openFile, subject: path, code: errno) }
    return fd
}

#if os(Linux)
    /// glibc 2.34's `posix_spawn_file_actions_addclosefrom_np`, which its Swift module does not
    /// export (it is declared only for `_GNU_SOURCE`); 2.34 is what Lambda's provided.al2023 has.
    @_silgen_name("posix_spawn_file_actions_addclosefrom_np")
    private func addCloseFrom(_ actions: UnsafeMutablePointer<posix_spawn_file_actions_t>, _ from: Int32) -> Int32
#endif
