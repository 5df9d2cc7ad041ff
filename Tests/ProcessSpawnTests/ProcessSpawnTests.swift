import Foundation
import ProcessSpawn
import Testing
import TestSupport

private struct TimedOut: Error {}

/// The one process runner: what a child gets (arguments, environment, descriptors, signal state),
/// and what comes back (status, both streams, a timeout).
@Suite(.tags(.unit))
struct ProcessSpawnTests {
    private func finished(_ outcome: RunOutcome) throws -> FinishedRun {
        guard case .finished(let run) = outcome else {
            throw TimedOut()
        }
        return run
    }

    @Test func aShellLineGivesItsStatusAndBothStreamsApart() async throws {
        let run = try finished(try await Command.shell("printf out; printf err >&2; exit 3").run(timeout: .seconds(30)))
        #expect(run.exit == .exited(3))
        #expect(String(decoding: run.output, as: UTF8.self) == "out")
        #expect(String(decoding: run.errors, as: UTF8.self) == "err")
    }

    @Test func aProgramIsRunByPathOrFoundInPATH() async throws {
        #expect(try finished(try await Command("/bin/true").run()).exit == .exited(0))
        #expect(try finished(try await Command("false").run()).exit == .exited(1))
    }

    /// The child's signal state is fresh, so the signal it sends itself ends it, and reads as a
    /// shell would report it.
    @Test func aSignalIsDecodedAsSuch() async throws {
        let run = try finished(try await Command.shell("kill -TERM $$").run(timeout: .seconds(30)))
        #expect(run.exit == .signaled(SIGTERM))
        #expect(run.exit.status == 128 + SIGTERM)
    }

    @Test func aMissingProgramIsASpawnErrorNotAnExit() async throws {
        let error = await #expect(throws: SpawnError.self) { try await Command("/nonexistent/program").run() }
        #expect(error?.step == .spawn)
        #expect(error?.code == ENOENT)
        #expect(error?.description == "cannot start /nonexistent/program: No such file or directory")
        #expect(throws: SpawnError.self) { try Command("no-such-program-on-the-path").start() }
    }

    /// The answer comes at the time limit, not when the child would end (an hour on): a run that
    /// waited would hit the test's own time limit. The child is sent SIGTERM and reaped.
    @Test(.timeLimit(.minutes(2))) func aTimeoutEndsTheWaitAndTheChild() async throws {
        let pid = try await pidOfTimedOut("exec sleep 3600")
        #expect(try await isGone(pid), "pid \(pid) is still there after the timeout")
    }

    /// A child that ignores SIGTERM (an ignored signal stays ignored across `exec`) is sent
    /// SIGKILL ``Command/killGrace`` later: it does not outlive the run, nor hold its pipes.
    @Test(.timeLimit(.minutes(2))) func aChildThatIgnoresTheTimeoutsSIGTERMIsKilled() async throws {
        let pid = try await pidOfTimedOut("trap '' TERM; exec sleep 3600")
        #expect(try await isGone(pid), "pid \(pid) ignored SIGTERM and was not killed")
    }

    /// Runs `line` with a half-second limit, after it writes its pid; returns the pid.
    private func pidOfTimedOut(_ line: String) async throws -> Int32 {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("spawn-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outcome = try await Command.shell("echo $$ > '\(scratch.path)'; \(line)").run(timeout: .milliseconds(500))
        #expect(outcome == .timedOut)
        return try #require(Int32(try String(contentsOf: scratch, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    /// Whether `pid` is gone (ended and reaped) within a minute: however slow the machine, the
    /// signals and the reaping land well before.
    private func isGone(_ pid: Int32) async throws -> Bool {
        for _ in 0..<1200 {
            if kill(pid, 0) == -1 && errno == ESRCH { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// Far more than a pipe holds (64 KiB) on both streams, the error stream first: read one at a
    /// time, the child would block on the other and the run would never end.
    @Test func outputLargerThanAPipeDoesNotDeadlock() async throws {
        let run = try finished(
            try await Command.shell("head -c 1000000 /dev/zero >&2; head -c 2000000 /dev/zero").run(timeout: .seconds(60)))
        #expect(run.exit == .exited(0))
        #expect(run.errors.count == 1_000_000)
        #expect(run.output.count == 2_000_000)
    }

    /// Input larger than a pipe, echoed back while it is still being written.
    @Test func standardInputIsFedWhileOutputIsRead() async throws {
        let input = (0..<3_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let run = try finished(try await Command("/bin/cat").run(input: input, timeout: .seconds(60)))
        #expect(run.exit == .exited(0))
        #expect(run.output == input)
    }

    /// A child that stops reading early closes the pipe: the write fails quietly (no SIGPIPE
    /// ends this process) and the run ends as the child did.
    @Test func aChildThatReadsOnlyPartOfItsInputEndsTheWriting() async throws {
        let run = try finished(try await Command.shell("head -c 10").run(input: [UInt8](repeating: 65, count: 4_000_000), timeout: .seconds(60)))
        #expect(run.exit == .exited(0))
        #expect(run.output == [UInt8](repeating: 65, count: 10))
    }

    @Test func theEnvironmentIsExactlyTheOneGiven() async throws {
        let run = try finished(try await Command("/usr/bin/env", environment: ["ONLY": "this one"]).run())
        #expect(String(decoding: run.output, as: UTF8.self) == "ONLY=this one\n")
        let inherited = try finished(try await Command("/usr/bin/env").run())
        let path = try #require(ProcessEnvironment.current()["PATH"])
        #expect(String(decoding: inherited.output, as: UTF8.self).split(separator: "\n").contains("PATH=\(path)"))
    }

    /// Standard input is /dev/null, and no other descriptor of this process reaches the child:
    /// one left open without close-on-exec is the test's bait.
    @Test func theChildGetsOnlyItsThreeStandardDescriptors() async throws {
        let bait = open("/dev/null", O_RDONLY)
        try #require(bait >= 0)
        defer { close(bait) }
        let run = try finished(try await Command.shell("cat; ls /proc/$$/fd").run(timeout: .seconds(30)))
        #expect(run.exit == .exited(0), "\(String(decoding: run.errors, as: UTF8.self))")
        let descriptors = String(decoding: run.output, as: UTF8.self).split(separator: "\n").compactMap { Int($0) }.sorted()
        #expect(descriptors == [0, 1, 2], "the child had \(descriptors) open; the bait was \(bait)")
    }

    /// A child in a group of its own: the group's signal reaches what it started too, and the
    /// exit is the same however often it is asked for.
    @Test func aStartedChildLeadsItsGroupAndTheGroupIsSignalled() async throws {
        let child = try Command("/bin/sh", ["-c", "sleep 60 & wait"], newProcessGroup: true).start(output: .discard)
        #expect(getpgid(child.pid) == child.pid)
        #expect((child.peakResidentKiB() ?? 0) > 0)
        child.signalGroup(SIGTERM)
        #expect(await child.wait() == .signaled(SIGTERM))
        #expect(child.waitBlocking() == .signaled(SIGTERM))
        #expect(child.peakResidentKiB() == nil)
    }

    @Test func bothStreamsCanBeAppendedToOneFile() async throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("spawn-\(UUID().uuidString).log")
        defer { try? FileManager.default.removeItem(at: log) }
        try Data("before\n".utf8).write(to: log)
        let child = try Command.shell("echo out; echo err >&2").start(output: .appendToFile(log.path), errors: .appendToFile(log.path))
        #expect(await child.wait() == .exited(0))
        #expect(try String(contentsOf: log, encoding: .utf8) == "before\nout\nerr\n")
        #expect(throws: SpawnError.self) { try Command("/bin/true").start(output: .appendToFile("/nonexistent/dir/log")) }
    }

    @Test func aBlockingRunForSynchronousCallers() throws {
        let run = try Command.shell("printf '%s' \"$0\"", environment: [:]).runBlocking()
        #expect(run.exit == .exited(0))
        #expect(String(decoding: run.output, as: UTF8.self) == "/bin/sh")
        #expect(run.errors.isEmpty)
    }
}
