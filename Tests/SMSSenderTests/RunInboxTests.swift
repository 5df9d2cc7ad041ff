import AWSCore
import AWSServices
import Foundation
import RedirectClient
import SMSSender
import Testing
import TestSupport

/// Per-run inboxes on moto: each gets only the codes its filter selects (SNS filter policies on the
/// attributes the sender publishes), `delete` takes only what `create` made, and `prune` only the expired.
@Suite(.serialized, .needsMoto)
struct RunInboxTests {
    let sns: SNSClient
    let sqs: SQSClient

    init() throws {
        sns = try SNSClient(configuration: Moto.configuration())
        sqs = try SQSClient(configuration: Moto.configuration())
    }

    /// Publishes as the sender does: SNSCodePublisher's message and attributes.
    func publish(_ topic: String, code: String, phone: String, userName: String, pool: String = "us-east-1_RunInbox") async throws {
        let fields = CodeRecordJSON.make(code: code, phone: phone, userName: userName, userPoolId: pool)
        let record = try JSONDecoder().decode(CodeRecord.self, from: Data(fields.jsonString.utf8))
        _ = try await SNSCodePublisher(topicArn: topic, sns: sns).publish(record)
    }

    @Test func eachRunInboxGetsOnlyItsCodesAndPruneTakesOnlyTheExpired() async throws {
        let topic = try await sns.createTopic(name: Moto.uniqueName("codes"))
        let inboxes = RunInboxes(sqs: sqs, sns: sns)
        let ana = try await inboxes.create(topicArn: topic, selection: .init(phoneNumber: "+15555550201"), ttl: .seconds(86400))
        let bo = try await inboxes.create(topicArn: topic, selection: .init(userName: "bo"), ttl: .seconds(60))
        #expect(ana.queueUrl.contains(RunInboxes.namePrefix) && ana.filterPolicy == #"{"phone_number":["+15555550201"]}"#)

        try await publish(topic, code: "run-ana-1", phone: "+15555550201", userName: "ana")
        try await publish(topic, code: "run-bo-1", phone: "+15555550202", userName: "bo")
        #expect(try await CodeInbox(sqs: sqs, queueUrl: ana.queueUrl).waitForCode(matching: .init(), timeout: Moto.arrivalTimeout).code == "run-ana-1")
        #expect(try await CodeInbox(sqs: sqs, queueUrl: bo.queueUrl).waitForCode(matching: .init(), timeout: Moto.arrivalTimeout).code == "run-bo-1")
        // Neither got the other's code: their filter policies kept it out.
        await #expect(throws: CodeInbox.TimedOut.self) {
            try await CodeInbox(sqs: sqs, queueUrl: ana.queueUrl).waitForCode(matching: .init(), timeout: .seconds(2))
        }
        await #expect(throws: CodeInbox.TimedOut.self) {
            try await CodeInbox(sqs: sqs, queueUrl: bo.queueUrl).waitForCode(matching: .init(), timeout: .seconds(2))
        }

        // Ten minutes on, bo's inbox (60 s) has expired and ana's (a day) has not.
        let pruned = try await inboxes.prune(now: Date().addingTimeInterval(600))
        #expect(pruned.contains(bo.queueUrl) && !pruned.contains(ana.queueUrl), "\(pruned)")
        let left = try await sqs.listQueues(prefix: RunInboxes.namePrefix)
        #expect(left.contains(ana.queueUrl) && !left.contains(bo.queueUrl))

        // delete takes the subscription with the queue, and refuses a queue it did not make.
        try await inboxes.delete(queueUrl: ana.queueUrl)
        #expect(try await !sqs.listQueues(prefix: RunInboxes.namePrefix).contains(ana.queueUrl))
        let shared = try await sqs.createQueue(name: Moto.uniqueName("stack-inbox"))
        await #expect(throws: RunInboxes.NotARunInbox.self) { try await inboxes.delete(queueUrl: shared) }
        #expect(try await sqs.listQueues(prefix: "stack-inbox").contains(shared))
        // Publishing after the delete reaches no deleted queue (the subscription went with it).
        try await publish(topic, code: "run-ana-2", phone: "+15555550201", userName: "ana")
    }

    @Test func theCLICreatesAnInboxThatWaitCodeReadsAndDeletesIt() async throws {
        let topic = try await sns.createTopic(name: Moto.uniqueName("codes"))
        let smsredirect = try BuiltProducts.path("smsredirect")
        let created = try await CommandRunner.run(smsredirect, ["inbox", "create", "--topic-arn", topic, "--phone", "+15555550301", "--ttl", "30m", "--json"])
        #expect(created.status == 0, "\(created.standardError)")
        let inbox = try JSONDecoder().decode(RunInboxes.Created.self, from: Data(created.standardOutput.utf8))
        try await publish(topic, code: "cli-run-1", phone: "+15555550301", userName: "cy")
        let code = try await CommandRunner.run(smsredirect, ["wait-code", "--queue-url", inbox.queueUrl, "--any", "--timeout", "120"])
        #expect(code.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "cli-run-1", "\(code.standardError)")
        let deleted = try await CommandRunner.run(smsredirect, ["inbox", "delete", inbox.queueUrl])
        #expect(deleted.status == 0, "\(deleted.standardError)")

        let badTTL = try await CommandRunner.run(smsredirect, ["inbox", "create", "--topic-arn", topic, "--ttl", "5s"])
        #expect(badTTL.status != 0 && badTTL.standardError.contains("give 1 m to 14 d"), "\(badTTL.standardError)")
        let badPhone = try await CommandRunner.run(smsredirect, ["inbox", "create", "--topic-arn", topic, "--phone", "5550301"])
        #expect(badPhone.status != 0 && badPhone.standardError.contains("not E.164"), "\(badPhone.standardError)")
    }
}
