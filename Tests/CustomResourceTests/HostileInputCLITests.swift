import AWSCore
import AWSServices
import Foundation
import PoolJournal
import Testing
import TestSupport

/// The CLI as a careless user or an attacker would try it: every input class gets a refusal that
/// names the option and the bounds (exit 64, never a trap), and nothing is lost or changed.
/// Each probe is the command line a person would type; the comment above it is the class it covers.
@Suite(.needsMoto)
struct HostileInputCLITests {
    let smsredirect: String
    let scratch: URL

    init() throws {
        smsredirect = try BuiltProducts.path("smsredirect")
        scratch = FileManager.default.temporaryDirectory.appendingPathComponent("hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    /// A refusal of the arguments: ArgumentParser's exit 64 with the words, not a trap (132) or a crash.
    static func expectRefused(_ run: CommandResult, saying texts: [String], sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(run.status == 64, "status \(run.status): \(run.standardError)", sourceLocation: sourceLocation)
        for text in texts { #expect(run.standardError.contains(text), "missing '\(text)' in: \(run.standardError)", sourceLocation: sourceLocation) }
        #expect(!run.standardError.contains("Fatal error"), "\(run.standardError)", sourceLocation: sourceLocation)
    }

    /// Probe: three phones' codes in a shared inbox, then `wait-code --queue-url $Q --timeout 5`.
    /// It used to print the newest and delete the other two. Now it refuses, and all three stay.
    @Test func aWaitWithNoFilterIsRefusedAndTheSharedInboxKeepsEveryCode() async throws {
        let sqs = try SQSClient(configuration: Moto.configuration())
        let queue = try await sqs.createQueue(name: Moto.uniqueName("shared"))
        for phone in ["+15555550501", "+15555550502", "+15555550503"] {
            let record = CodeRecordJSON.make(code: "shared-\(UUID().uuidString.prefix(6))", phone: phone, userPoolId: "us-east-1_Shared")
            _ = try await sqs.sendMessage(queueUrl: queue, body: record.jsonString)
        }
        let run = try await CommandRunner.run(smsredirect, ["wait-code", "--queue-url", queue, "--timeout", "5"])
        Self.expectRefused(run, saying: ["say whose code to wait for", "--phone", "--any"])
        let attributes = try await sqs.getQueueAttributes(queueUrl: queue)
        #expect(attributes["ApproximateNumberOfMessages"] == "3", "\(attributes)")
        let help = try await CommandRunner.run(smsredirect, ["wait-code", "--help"])
        #expect(help.standardOutput.contains("--any") && help.standardOutput.contains("deleted"), "--any's help says what it deletes")
    }

    /// Probes: every duration and count option with infinity, a huge exponent, an integer that
    /// overflows a deadline, a negative, garbage, and a value past its bound.
    @Test(arguments: [
        (["inbox", "create", "--topic-arn", "arn:aws:sns:us-east-1:123456789012:t", "--ttl", "inf"], "--ttl 'inf' is not a duration"),
        (["inbox", "create", "--topic-arn", "arn:aws:sns:us-east-1:123456789012:t", "--ttl", "1e300d"], "--ttl '1e300d' is not a duration"),
        (["inbox", "create", "--topic-arn", "arn:aws:sns:us-east-1:123456789012:t", "--ttl", "99999999999999d"], "--ttl '99999999999999d'"),
        (["inbox", "create", "--topic-arn", "arn:aws:sns:us-east-1:123456789012:t", "--ttl", "15d"], "give 1 m to 14 d"),
        (["inbox", "create", "--topic-arn", "arn:aws:sns:us-east-1:123456789012:t", "--ttl", "5s"], "give 1 m to 14 d"),
        (["invoke", "--bootstrap", "/bin/true", "--event", "-", "--timeout=inf"], "--timeout 'inf' is not a duration"),
        (["invoke", "--bootstrap", "/bin/true", "--event", "-", "--timeout", "1e300"], "--timeout '1e300' is not a duration"),
        (["invoke", "--bootstrap", "/bin/true", "--event", "-", "--timeout", "901"], "900 s is Lambda's maximum"),
        (["invoke", "--bootstrap", "/bin/true", "--event", "-", "--memory", "99999999"], "--memory 99999999 is out of range"),
        (["invoke", "--bootstrap", "/bin/true", "--event", "-", "--async", "--retry-delays", "nan,1"], "--retry-delays 'nan' is not a duration"),
        (
            ["wait-code", "--queue-url", "http://127.0.0.1:1/1/q", "--phone", "+15555550100", "--timeout", "9223372036854775807"],
            "--timeout '9223372036854775807'"
        ),
        (["wait-code", "--queue-url", "http://127.0.0.1:1/1/q", "--phone", "+15555550100", "--timeout=-5"], "--timeout '-5' is not a duration"),
        (["wait-code", "--queue-url", "http://127.0.0.1:1/1/q", "--phone", "+15555550100", "--since=-inf"], "--since '-inf' is not a duration ago"),
        (["wait-code", "--queue-url", "http://127.0.0.1:1/1/q", "--phone", "+15555550100", "--since=-5M"], "--since '-5M' is not a duration ago"),
        (["inbox", "create", "--topic-arn", "arn:aws:sns:us-east-1:123456789012:t", "--ttl", "90M"], "--ttl '90M' is not a duration"),
        (["wait-code", "--queue-url", "http://127.0.0.1:1/1/q", "--phone", "+15555550100", "--since", "2999-01-01T00:00:00Z"], "is in the future"),
        (["wait-code", "--queue-url", "http://127.0.0.1:1/1/q", "--user-pool-id", "not a pool"], "is not a user pool id"),
        (["simulate", "--user-pool-id", "us-east-1_X", "--bootstrap", "x", "--sns-topic-arn", "arn:aws:sns:us-east-1:1:t", "--phone", "abc"], "is not E.164"),
    ])
    func absurdNumbersAndValuesAreRefusedNamingTheOption(arguments: [String], saying: String) async throws {
        let run = try await CommandRunner.run(smsredirect, arguments, input: Data("{}".utf8))
        Self.expectRefused(run, saying: [saying])
    }

    /// Probes: `decrypt --file` on a missing file and on a directory, and a stdin far larger than
    /// any message: each says what is wrong with the input, not Foundation's words.
    @Test func decryptsInputProblemsAreNamed() async throws {
        let key = ["--kms-key-arn", "arn:aws:kms:us-east-1:123456789012:key/11111111-1111-1111-1111-111111111111"]
        let missing = try await CommandRunner.run(smsredirect, ["decrypt", "--file", scratch.appendingPathComponent("nope.json").path] + key)
        #expect(missing.status == 1 && missing.standardError.contains("no such file"), "\(missing.standardError)")
        let directory = try await CommandRunner.run(smsredirect, ["decrypt", "--file", scratch.path] + key)
        #expect(directory.status == 1 && directory.standardError.contains("is a directory"), "\(directory.standardError)")
        let flood = try await CommandRunner.run(smsredirect, ["decrypt"] + key, input: Data(repeating: UInt8(ascii: "A"), count: 3 << 20))
        #expect(flood.status == 1 && flood.standardError.contains("stdin holds more than"), "\(flood.standardError)")
    }

    /// Probe: `journal list --journal s3://no-such-bucket/j.sqlite` said "is empty" and exit 0,
    /// and `detach` said "no attach in force". A missing bucket is an error naming it.
    @Test func aJournalInABucketThatDoesNotExistIsAnError() async throws {
        let bucket = Moto.uniqueName("no-such-bucket")
        let list = try await CommandRunner.run(smsredirect, ["journal", "list", "--journal", "s3://\(bucket)/j.sqlite"])
        #expect(list.status == 1 && list.standardError.contains("bucket \(bucket) does not exist"), "\(list.status) \(list.standardError)")
        let detach = try await CommandRunner.run(smsredirect, ["detach", "--user-pool-id", "us-east-1_Nothing", "--journal", "s3://\(bucket)/j.sqlite"])
        #expect(detach.status == 1 && detach.standardError.contains("does not exist"), "\(detach.standardError)")
    }

    /// Probes: `--journal` a directory, and a path whose folder cannot be made: the reason, not
    /// SQLite's "disk I/O error". A journal the CLI makes is 0600 in a 0700 folder.
    @Test func aJournalPathThatCannotBeAJournalIsNamedAndANewOneIsPrivate() async throws {
        let harness = try await HelperHarness.make()
        let target = try await harness.makeTarget()
        let attach = [
            "attach", "--user-pool-id", target.poolId, "--sender-arn", target.function.functionArn, "--kms-key-arn", target.keyArn, "--layer-arn",
            target.layerArn,
        ]
        let directory = try await CommandRunner.run(smsredirect, attach + ["--journal", scratch.path])
        #expect(directory.status == 1 && directory.standardError.contains("it is a directory"), "\(directory.standardError)")
        let blocker = scratch.appendingPathComponent("a-file")
        try Data("x".utf8).write(to: blocker)
        let underAFile = try await CommandRunner.run(smsredirect, attach + ["--journal", blocker.appendingPathComponent("j/journal.sqlite").path])
        #expect(underAFile.status == 1 && underAFile.standardError.contains("is a file, not a folder"), "\(underAFile.standardError)")
        #expect(PoolFixtures.comparable(try await harness.cognito.describeUserPool(id: target.poolId)) == PoolFixtures.comparable(target.original))

        let folder = scratch.appendingPathComponent("private")
        let journal = folder.appendingPathComponent("journal.sqlite").path
        let made = try await CommandRunner.run(smsredirect, attach + ["--journal", journal])
        #expect(made.status == 0, "\(made.standardError)")
        let fileMode = try FileManager.default.attributesOfItem(atPath: journal)[.posixPermissions] as? Int
        let folderMode = try FileManager.default.attributesOfItem(atPath: folder.path)[.posixPermissions] as? Int
        #expect(fileMode == 0o600 && folderMode == 0o700, "file \(String(fileMode ?? 0, radix: 8)), folder \(String(folderMode ?? 0, radix: 8))")
        _ = try await CommandRunner.run(smsredirect, ["detach", "--user-pool-id", target.poolId, "--journal", journal])
    }

    /// Probes: `attach --kms-key-arn` with a key other than the sender's KMS_KEY_ARN, and with a
    /// key of another region: refused before any change, the pool and the journal untouched.
    @Test func aKeyTheSenderCannotUseIsRefusedBeforeAnyChange() async throws {
        let harness = try await HelperHarness.make()
        let key = try await harness.kms.createKey(description: "the sender's")
        let other = try await harness.kms.createKey(description: "another")
        let pool = try #require(try await harness.cognito.createUserPool(try PoolFixtures.createRequest("01-minimal", kmsKeyArn: key.arn))["Id"]?.stringValue)
        let original = try await harness.cognito.describeUserPool(id: pool)
        let function = try await MotoResources.makeFunction(environment: ["KMS_KEY_ARN": key.arn, "SNS_TOPIC_ARN": "arn:aws:sns:us-east-1:123456789012:t"])
        let journal = scratch.appendingPathComponent("keys.sqlite").path
        func attach(_ keyArn: String) async throws -> CommandResult {
            try await CommandRunner.run(
                smsredirect, ["attach", "--user-pool-id", pool, "--sender-arn", function.functionArn, "--kms-key-arn", keyArn, "--journal", journal])
        }
        let wrong = try await attach(other.arn)
        #expect(
            wrong.status == 1 && wrong.standardError.contains("not the key the sender decrypts with") && wrong.standardError.contains(key.arn),
            "\(wrong.standardError)")
        let elsewhere = try await attach("arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111")
        #expect(elsewhere.status == 1 && elsewhere.standardError.contains("is in eu-west-1, the user pool in us-east-1"), "\(elsewhere.standardError)")
        let foreign = try await attach("arn:aws:kms:us-east-1:999999999999:key/11111111-1111-1111-1111-111111111111")
        #expect(foreign.status == 1 && foreign.standardError.contains("belongs to account 999999999999"), "\(foreign.standardError)")
        #expect(PoolFixtures.comparable(try await harness.cognito.describeUserPool(id: pool)) == PoolFixtures.comparable(original))
        #expect(try await LocalJournalStore(path: journal).read { try $0.all() }.isEmpty, "nothing was journaled")
        let right = try await attach(key.arn)
        #expect(right.status == 0, "\(right.standardError)")
    }
}
