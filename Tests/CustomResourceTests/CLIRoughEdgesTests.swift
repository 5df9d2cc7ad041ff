import AWSCore
import Foundation
import PoolJournal
import Testing
import TestSupport

/// The rough edges a new user hit with the built CLI: each now fails (or succeeds) the way its
/// message says, with the right exit status, and leaves nothing behind that it should not.
@Suite(.needsMoto)
struct CLIRoughEdgesTests {
    let smsredirect: String
    let scratch: URL

    init() throws {
        smsredirect = try BuiltProducts.path("smsredirect")
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("cli-edges-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    /// A failure found while running is `Error: …` with status 1, not a usage line with 64 that
    /// would say the arguments were wrong.
    static func expectRuntimeFailure(_ run: CommandResult, saying text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.status == 1, "status \(run.status): \(run.standardError)", sourceLocation: sourceLocation)
        #expect(run.standardError.contains(text), "\(run.standardError)", sourceLocation: sourceLocation)
        #expect(!run.standardError.contains("Usage:"), "a runtime failure printed a usage line: \(run.standardError)", sourceLocation: sourceLocation)
    }

    @Test func detachAfterThePoolWasDeletedSaysSoAndClosesTheAttachment() async throws {
        let harness = try await HelperHarness.make()
        let target = try await harness.makeTarget()
        let journal = scratch.appendingPathComponent("journal.sqlite").path
        let attach = try await CommandRunner.run(
            smsredirect,
            [
                "attach", "--user-pool-id", target.poolId, "--sender-arn", target.function.functionArn,
                "--kms-key-arn", target.keyArn, "--layer-arn", target.layerArn, "--journal", journal,
            ])
        #expect(attach.status == 0, "\(attach.standardError)")
        try await MotoResources.deleteUserPool(target.poolId, with: harness.cognito)

        let detach = try await CommandRunner.run(smsredirect, ["detach", "--user-pool-id", target.poolId, "--journal", journal])
        #expect(detach.status == 0, "\(detach.standardError)")
        #expect(detach.standardOutput.contains("\(target.poolId) no longer exists"), "\(detach.standardOutput)")
        #expect(!detach.standardOutput.contains("restored"), "a deleted pool was reported restored: \(detach.standardOutput)")
        // The layer it attached still came off the sender.
        #expect(try await harness.lambda.getFunctionConfiguration(functionName: target.function.functionArn).layers == target.function.layers)
        let again = try await CommandRunner.run(smsredirect, ["detach", "--user-pool-id", target.poolId, "--journal", journal])
        Self.expectRuntimeFailure(again, saying: "nothing to detach")
    }

    @Test func aMistypedJournalPathIsAnErrorAndCreatesNothing() async throws {
        let missing = scratch.appendingPathComponent("no-such-dir/journal.sqlite").path
        for verb in [["journal", "list"], ["journal", "show", "1"], ["journal", "diff", "1"]] {
            let run = try await CommandRunner.run(smsredirect, verb + ["--journal", missing])
            Self.expectRuntimeFailure(run, saying: "there is no journal at \(missing)")
        }
        #expect(!FileManager.default.fileExists(atPath: scratch.appendingPathComponent("no-such-dir").path), "reading a journal created its directory")
    }

    /// A journal on a read-only mount (an audit copy, a CI artifact) lists: nothing is written.
    @Test func aJournalOnAReadOnlyMountCanBeListed() async throws {
        let directory = scratch.appendingPathComponent("audit")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("journal.sqlite").path
        let database = try JournalDatabase(path: path)
        for status in [JournalEntry.Status.started, .succeeded] {
            try database.append(
                JournalEntry(attachmentId: "pool|fn|d", requestId: "r1", action: .attach, status: status, poolId: "us-east-1_ReadOnly", region: "us-east-1"))
        }
        let script = "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" && exec \"$2\" journal list --journal \"$1/journal.sqlite\" --json"
        let run = try await CommandRunner.run(
            "/usr/bin/unshare", ["--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh", directory.path, smsredirect])
        #expect(run.status == 0, "\(run.standardError)")
        let listed = try #require(try JSONValue(data: Data(run.standardOutput.utf8)).arrayValue)
        #expect(listed.map { $0["status"]?.stringValue } == ["started", "succeeded"])
    }

    @Test func theJournalTableKeepsItsColumnsForLongPoolIds() async throws {
        let path = scratch.appendingPathComponent("journal.sqlite").path
        let database = try JournalDatabase(path: path)
        for pool in ["us-east-1_Short", "ap-southeast-2_AVeryLongPoolIdentifierIndeed", "eu-west-1_Mid"] {
            try database.append(
                JournalEntry(
                    attachmentId: "\(pool)|fn|d", requestId: "r", action: .attach, status: .succeeded, poolId: pool, region: "us-east-1",
                    detail: "detail of \(pool)"))
        }
        let run = try await CommandRunner.run(smsredirect, ["journal", "list", "--journal", path])
        #expect(run.status == 0, "\(run.standardError)")
        let lines = run.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        let detailColumns = Set(lines.map { line in line.range(of: line == lines[0] ? "DETAIL" : "detail of")?.lowerBound.utf16Offset(in: line) })
        #expect(detailColumns.count == 1 && detailColumns.first! != nil, "DETAIL is not one column: \(run.standardOutput)")
    }

    @Test func decryptSaysWhatIsMissingAndRefusesTwoMessages() async throws {
        let empty = try await CommandRunner.run(smsredirect, ["decrypt", "--show-header"], input: Data())
        Self.expectRuntimeFailure(empty, saying: "no message to decrypt: stdin was empty")
        let file = scratch.appendingPathComponent("message.b64").path
        try Data("AYADeA==".utf8).write(to: URL(fileURLWithPath: file))
        let both = try await CommandRunner.run(smsredirect, ["decrypt", "--show-header", "--file", file, "AYADeA=="])
        #expect(both.status == 64, "\(both.standardError)")
        #expect(both.standardError.contains("either as an argument or with --file, not both"), "\(both.standardError)")
    }

    @Test func invokeOfABootstrapThatCannotStartIsNotAFunctionError() async throws {
        let missing = scratch.appendingPathComponent("no-such-bootstrap").path
        let run = try await CommandRunner.run(smsredirect, ["invoke", "--bootstrap", missing, "--event", "-"], input: Data("{}".utf8))
        #expect(run.status == 5, "status \(run.status): \(run.standardError)")
        #expect(run.standardError.contains("cannot start \(missing)"), "\(run.standardError)")
    }

    @Test func simulateOnAPoolWithoutAKeyIsARuntimeFailure() async throws {
        let harness = try await HelperHarness.make()
        let target = try await harness.makeTarget()
        let run = try await CommandRunner.run(
            smsredirect,
            [
                "simulate", "--user-pool-id", target.poolId, "--bootstrap", try BuiltProducts.path("sender"),
                "--sns-topic-arn", "arn:aws:sns:us-east-1:123456789012:none",
            ])
        Self.expectRuntimeFailure(run, saying: "has no LambdaConfig.KMSKeyID")
    }

    @Test(arguments: [
        ["demo"], ["simulate"], ["wait-code"], ["inbox", "create"], ["inbox", "delete"], ["inbox", "prune"], ["inbox", "purge"],
        ["attach"], ["detach"], ["journal", "list"], ["journal", "show"], ["journal", "diff"], ["decrypt"], ["invoke"], ["doctor"], ["deploy"], ["destroy"],
        ["status"],
    ])
    func everyVerbsHelpHasAnExample(_ verb: [String]) async throws {
        let help = try await CommandRunner.run(smsredirect, verb + ["--help"])
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("Example"), "`smsredirect \(verb.joined(separator: " ")) --help` has no example")
        #expect(
            help.standardOutput.contains("smsredirect \(verb.last!)") || help.standardOutput.contains("smsredirect \(verb.joined(separator: " "))")
                || verb == ["demo"],
            "the example does not show the verb itself")
    }
}
