import AWSCore
import AWSServices
import Foundation
import Testing
import TestSupport

/// `wait-code --which` and `expect-none` on moto: which of several codes a flow sent is printed
/// (the newest is not always the valid one), every code the wait took is in its JSON, and the
/// negative assertion succeeds only when nothing matching arrives, consuming nothing.
@Suite(.needsMoto, .needsPython("boto3"))
struct WhichCodeAndExpectNoneTests {
    let sns: SNSClient
    let sqs: SQSClient

    init() throws {
        sns = try SNSClient(configuration: Moto.configuration())
        sqs = try SQSClient(configuration: Moto.configuration())
    }

    /// Three codes for one phone, a second apart, oldest first, and one for someone else.
    func inboxWithThreeCodes(phone: String, other: String) async throws -> (queue: String, codes: [String], others: String) {
        let (topic, queue) = try await MotoResources.makeSubscribedInbox(sns: sns, sqs: sqs)
        let start = Date().addingTimeInterval(-10)
        let codes = (0..<3).map { _ in String(format: "%06d", Int.random(in: 0...999_999)) }
        for (index, code) in codes.enumerated() {
            _ = try await sns.publish(
                topicArn: topic, message: CodeRecordJSON.make(code: code, phone: phone, time: start.addingTimeInterval(Double(index))).jsonString)
        }
        let othersCode = String(format: "%06d", Int.random(in: 0...999_999))
        _ = try await sns.publish(topicArn: topic, message: CodeRecordJSON.make(code: othersCode, phone: other).jsonString)
        return (queue, codes, othersCode)
    }

    func waitCode(_ arguments: [String]) async throws -> CommandResult {
        try await CommandRunner.run(try BuiltProducts.path("smsredirect"), ["wait-code", "--timeout", "\(Moto.arrivalTimeout.components.seconds)"] + arguments)
    }

    @Test(arguments: ["newest", "oldest", "all"]) func whichPicksAmongTheCodesOfOneFlow(_ which: String) async throws {
        let phone = "+1555555\(String(format: "%04d", Int.random(in: 0...9999)))", other = "+15555550999"
        let (queue, codes, othersCode) = try await inboxWithThreeCodes(phone: phone, other: other)
        let text = try await waitCode(["--queue-url", queue, "--phone", phone, "--which", which])
        #expect(text.status == 0, "\(text.standardError)")
        let printed = text.standardOutput.split(separator: "\n").map(String.init)
        switch which {
        case "newest": #expect(printed == [codes[2]])
        case "oldest": #expect(printed == [codes[0]])
        default: #expect(printed == codes, "every code, oldest first")
        }
        // The wait took the flow's codes and left the other user's.
        let others = try await waitCode(["--queue-url", queue, "--phone", other])
        #expect(others.status == 0 && others.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == othersCode, "\(others.standardError)")
    }

    @Test func theJSONOfAWaitListsTheCodesItTookBesides() async throws {
        let phone = "+1555556\(String(format: "%04d", Int.random(in: 0...9999)))"
        let (queue, codes, _) = try await inboxWithThreeCodes(phone: phone, other: "+15555550998")
        let newest = try await waitCode(["--queue-url", queue, "--phone", phone, "--json"])
        #expect(newest.status == 0, "\(newest.standardError)")
        let record = try JSONValue(data: Data(newest.standardOutput.utf8))
        #expect(record["code"]?.stringValue == codes[2])
        #expect(record["superseded"]?.arrayValue?.map { $0["code"]?.stringValue } == [codes[0], codes[1]], "the superseded codes, oldest first")

        let (again, moreCodes, _) = try await inboxWithThreeCodes(phone: phone, other: "+15555550998")
        let all = try await waitCode(["--queue-url", again, "--phone", phone, "--which", "all", "--json"])
        let lines = try all.standardOutput.split(separator: "\n").map { try JSONValue(data: Data($0.utf8)) }
        #expect(lines.map { $0["code"]?.stringValue } == moreCodes, "one JSON object a line, oldest first")
    }

    @Test func expectNoneSucceedsOnSilenceFailsNamingWhatCameAndConsumesNothing() async throws {
        let (topic, queue) = try await MotoResources.makeSubscribedInbox(sns: sns, sqs: sqs)
        let phone = "+1555557\(String(format: "%04d", Int.random(in: 0...9999)))"
        let smsredirect = try BuiltProducts.path("smsredirect")
        // Someone else's code in the inbox is no reason to fail, and is left for its waiter.
        let othersCode = String(format: "%06d", Int.random(in: 0...999_999))
        _ = try await sns.publish(topicArn: topic, message: CodeRecordJSON.make(code: othersCode, phone: "+15555550997").jsonString)
        let quiet = try await CommandRunner.run(smsredirect, ["expect-none", "--queue-url", queue, "--phone", phone, "--for", "3"])
        #expect(quiet.status == 0, "\(quiet.standardError)")
        #expect(quiet.standardError.contains("no matching code arrived in 3 s"))

        let code = String(format: "%06d", Int.random(in: 0...999_999))
        _ = try await sns.publish(
            topicArn: topic, message: CodeRecordJSON.make(code: code, phone: phone, trigger: "CustomSMSSender_Authentication").jsonString)
        let other = try await CommandRunner.run(
            smsredirect, ["expect-none", "--queue-url", queue, "--phone", phone, "--trigger", "SignUp", "--for", "3"])
        #expect(other.status == 0, "a code of another step is not this one's: \(other.standardError)")
        let loud = try await CommandRunner.run(smsredirect, ["expect-none", "--queue-url", queue, "--phone", phone, "--for", "3", "--json"])
        #expect(loud.status == 1, "\(loud.standardError)")
        #expect(loud.standardError.contains("1 matching code arrived") && loud.standardError.contains(phone), "\(loud.standardError)")
        #expect(!loud.standardError.contains(code), "the code is on stdout, in the record, not in the message")
        #expect(try JSONValue(data: Data(loud.standardOutput.utf8))["code"]?.stringValue == code)

        // Nothing was consumed: both codes are still there for their waiters.
        #expect(try await waitCode(["--queue-url", queue, "--phone", phone]).standardOutput.contains(code))
        #expect(try await waitCode(["--queue-url", queue, "--phone", "+15555550997"]).standardOutput.contains(othersCode))

        let noFilter = try await CommandRunner.run(smsredirect, ["expect-none", "--queue-url", queue])
        #expect(noFilter.status == 64 && noFilter.standardError.contains("say whose code must not arrive"), "\(noFilter.standardError)")
    }

    /// The Python example (examples/python) offers the same, with boto3 alone.
    @Test func thePythonExampleTakesTheOldestAndExpectsNone() async throws {
        let example = BuiltProducts.packageRoot.appendingPathComponent("examples/python/wait_for_code.py").path
        let phone = "+1555558\(String(format: "%04d", Int.random(in: 0...9999)))"
        let (queue, codes, _) = try await inboxWithThreeCodes(phone: phone, other: "+15555550996")
        let silent = try await CommandRunner.run("/usr/bin/env", ["python3", example, "--queue-url", queue, "--phone", "+15555550995", "--expect-none", "2"])
        #expect(silent.status == 0, "\(silent.standardError)")
        let arrived = try await CommandRunner.run("/usr/bin/env", ["python3", example, "--queue-url", queue, "--phone", phone, "--expect-none", "2"])
        #expect(arrived.status == 1 && arrived.standardError.contains("a matching code arrived"), "\(arrived.standardError)")
        let oldest = try await CommandRunner.run(
            "/usr/bin/env",
            ["python3", example, "--queue-url", queue, "--phone", phone, "--which", "oldest", "--timeout", "\(Moto.arrivalTimeout.components.seconds)"])
        #expect(oldest.status == 0, "\(oldest.standardError)")
        #expect(oldest.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == codes[0], "expect-none consumed nothing; the oldest of three")
    }
}
