import AWSCore
import AWSServices
import Foundation
import RedirectClient
import SMSSender
import Testing
import TestSupport

/// The inbox side's writes, each landing with its answer lost (`FaultInjectingTransport`'s
/// `.answerLost`: forwarded to moto, then the connection closes), and retried as every SDK does.
@Suite(.serialized, .needsMoto)
struct LostAnswerInboxTests {
    let sns: SNSClient
    let sqs: SQSClient

    init() throws {
        sns = try SNSClient(configuration: Moto.configuration())
        sqs = try SQSClient(configuration: Moto.configuration())
    }

    static func phone() -> String { "+1555\(String(format: "%07d", Int.random(in: 0...9_999_999)))" }

    func record(code: String, phone: String) throws -> CodeRecord {
        let fields = CodeRecordJSON.make(code: code, phone: phone, userPoolId: "us-east-1_Lost")
        return try JSONDecoder().decode(CodeRecord.self, from: Data(fields.jsonString.utf8))
    }

    /// A topic and an inbox queue subscribed to it.
    func makeInbox() async throws -> (topic: String, queueUrl: String) { try await MotoResources.makeSubscribedInbox(sns: sns, sqs: sqs) }

    func messagesLeft(_ queueUrl: String) async throws -> Int { try await MotoResources.messagesHeld(by: queueUrl, sqs: sqs) }

    /// The sender's SNS Publish lands, its answer is lost, and the retry publishes the record
    /// again: two copies reach the inbox. `wait-code`'s duplicate handling absorbs the second: the
    /// waiter gets the code once, and nothing of it is left behind.
    @Test func aPublishWhoseAnswerWasLostReachesTheWaiterOnce() async throws {
        let (topic, queueUrl) = try await makeInbox()
        let lost = FaultInjectingTransport(faults: [.answerLost], matching: FaultInjectingTransport.queryAction("Publish"))
        let publisher = SNSCodePublisher(topicArn: topic, sns: try SNSClient(configuration: Moto.configuration(transport: lost)))
        let phone = Self.phone()
        _ = try await publisher.publish(try record(code: "lost-publish-1", phone: phone))
        #expect(lost.attempts == 2, "landed, then retried")
        #expect(try await messagesLeft(queueUrl) == 2, "the retry published the record a second time")

        let inbox = CodeInbox(sqs: sqs, queueUrl: queueUrl)
        #expect(try await inbox.waitForCode(matching: .init(phoneNumber: phone), timeout: Moto.arrivalTimeout).code == "lost-publish-1")
        await #expect(throws: CodeInbox.TimedOut.self) { try await inbox.waitForCode(matching: .init(phoneNumber: phone), timeout: .seconds(2)) }
        #expect(try await messagesLeft(queueUrl) == 0, "the duplicate went with the code")
    }

    /// `wait-code`'s DeleteMessage and its release of another's code (ChangeMessageVisibility 0)
    /// each land with their first answer lost: the wait still returns its code, the code is gone,
    /// and the other code is still there for its own waiter.
    @Test func aWaitWhoseDeleteAndReleaseAnswersAreLostTakesItsCodeAndLeavesTheOthers() async throws {
        let (topic, queueUrl) = try await makeInbox()
        let mine = Self.phone(), theirs = Self.phone()
        let publisher = SNSCodePublisher(topicArn: topic, sns: sns)
        _ = try await publisher.publish(try record(code: "lost-theirs", phone: theirs))
        _ = try await publisher.publish(try record(code: "lost-mine", phone: mine))
        let deletes = FaultInjectingTransport(
            faults: FaultInjectingTransport.everyFirstAnswerLost(), matching: FaultInjectingTransport.operation("DeleteMessage"))
        let releases = FaultInjectingTransport(
            faults: FaultInjectingTransport.everyFirstAnswerLost(), passingTo: deletes, matching: FaultInjectingTransport.operation("ChangeMessageVisibility"))
        let faulty = CodeInbox(sqs: try SQSClient(configuration: Moto.configuration(transport: releases)), queueUrl: queueUrl)

        #expect(try await faulty.waitForCode(matching: .init(phoneNumber: mine), timeout: Moto.arrivalTimeout).code == "lost-mine")
        #expect(deletes.attempts == 2, "the delete landed, its answer was lost, and it was retried")
        let inbox = CodeInbox(sqs: sqs, queueUrl: queueUrl)
        #expect(try await inbox.waitForCode(matching: .init(phoneNumber: theirs), timeout: Moto.arrivalTimeout).code == "lost-theirs")
        await #expect(throws: CodeInbox.TimedOut.self) { try await inbox.waitForCode(matching: .init(phoneNumber: mine), timeout: .seconds(2)) }
        #expect(try await messagesLeft(queueUrl) == 0)
    }

    /// Which write of `inbox create` loses its answer.
    enum InboxWrite: String, CaseIterable, CustomTestStringConvertible {
        case createQueue = "CreateQueue", setQueueAttributes = "SetQueueAttributes", subscribe = "Subscribe"
        var testDescription: String { rawValue }
        var matcher: @Sendable (HTTPRequest) -> Bool {
            self == .subscribe ? FaultInjectingTransport.queryAction(rawValue) : FaultInjectingTransport.operation(rawValue)
        }
    }

    /// `inbox create` whose CreateQueue, SetQueueAttributes or Subscribe lands with its answer
    /// lost: the retry finds the queue and the subscription it made (both are idempotent for the
    /// same name and attributes), so there is one queue and one subscription, and a code arrives once.
    @Test(arguments: InboxWrite.allCases)
    func anInboxCreateWhoseWriteAnswerWasLostIsOneQueueAndOneSubscription(_ write: InboxWrite) async throws {
        let topic = try await sns.createTopic(name: Moto.uniqueName("codes"))
        let lost = FaultInjectingTransport(faults: [.answerLost], matching: write.matcher)
        let faulty = try Moto.configuration(transport: lost)
        let phone = Self.phone()
        let created = try await RunInboxes(sqs: try SQSClient(configuration: faulty), sns: try SNSClient(configuration: faulty))
            .create(topicArn: topic, selection: .init(phoneNumber: phone), ttl: .seconds(3600))
        #expect(lost.attempts == 2, "\(write) landed, then was retried")
        let name = try #require(created.queueUrl.split(separator: "/").last.map(String.init))
        #expect(try await sqs.listQueues(prefix: name) == [created.queueUrl])
        let subscriptions = try await sns.listSubscriptionsByTopic(topicArn: topic)
        #expect(subscriptions.map(\.endpoint) == [created.queueArn])
        #expect(subscriptions.map(\.subscriptionArn) == [created.subscriptionArn])

        _ = try await SNSCodePublisher(topicArn: topic, sns: sns).publish(try record(code: "lost-inbox-\(write.rawValue)", phone: phone))
        let inbox = CodeInbox(sqs: sqs, queueUrl: created.queueUrl)
        #expect(try await inbox.waitForCode(matching: .init(phoneNumber: phone), timeout: Moto.arrivalTimeout).code == "lost-inbox-\(write.rawValue)")
        #expect(try await messagesLeft(created.queueUrl) == 0, "one subscription, one copy")
        try await RunInboxes(sqs: sqs, sns: sns).delete(queueUrl: created.queueUrl)
    }
}
