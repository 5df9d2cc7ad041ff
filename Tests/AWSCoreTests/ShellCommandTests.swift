import Foundation
import Testing
import TestSupport

@testable import AWSCore

/// The posix_spawn runner behind credential_process: what the shell gets, and what comes back.
@Suite(.tags(.unit))
struct ShellCommandTests {
    @Test func statusAndBothStreamsComeBackApart() async throws {
        let finished = try #require(try await ShellCommand.run("printf out; printf err >&2; exit 3", timeout: .seconds(30)))
        #expect(finished.status == 3)
        #expect(String(decoding: finished.output, as: UTF8.self) == "out")
        #expect(String(decoding: finished.errors, as: UTF8.self) == "err")
    }

    @Test func aSignalReadsAsAShellWouldReportIt() async throws {
        let finished = try #require(try await ShellCommand.run("kill -TERM $$", timeout: .seconds(30)))
        #expect(finished.status == 128 + SIGTERM)
    }

    /// Standard input is /dev/null, and no other descriptor of this process reaches the shell:
    /// one left open without close-on-exec is the test's bait.
    @Test func theShellGetsOnlyItsThreeStandardDescriptors() async throws {
        let bait = open("/dev/null", O_RDONLY)
        try #require(bait >= 0)
        defer { close(bait) }
        let finished = try #require(try await ShellCommand.run("cat; ls /proc/$$/fd", timeout: .seconds(30)))
        #expect(finished.status == 0, "\(String(decoding: finished.errors, as: UTF8.self))")
        let descriptors = String(decoding: finished.output, as: UTF8.self).split(separator: "\n").compactMap { Int($0) }.sorted()
        #expect(descriptors == [0, 1, 2], "the shell had \(descriptors) open; the bait was \(bait)")
    }
}
