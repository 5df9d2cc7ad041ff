import AWSCore
import AWSServices
import Foundation
import NIOConcurrencyHelpers
import RedirectClient
import SMSSender
import Testing
import TestSupport

/// The code inbox as an app's test suite uses it, on moto: the newest code, stale ones consumed,
/// parallel waiters on one queue, filters that can't match rejected, and a timeout that says what came.
@Suite(.needsMoto)
struct CodeInboxTests {
    let sns: SNSClient
    let sqs: SQSClient

    init() throws {
        sns = try SNSClient(configuration: Moto.configuration())
        sqs = try SQSClient(configuration: Moto.configuration())
    }

    /// A topic and a queue subscribed to it, as the template makes them.
    func makeInbox() async throws -> (topic: String, inbox: CodeInbox) {
        let (topic, queue) = try await MotoResources.makeSubscribedInbox(sns: sns, sqs: sqs)
        return (topic, CodeInbox(sqs: sqs, queueUrl: queue))
    }

    /// Publishes a record as the sender does (the same JSON, through the topic).
    func publish(_ topic: String, code: String, phone: String, trigger: TriggerSource = .smsSignUp, time: Date = Date()) async throws {
        let record = CodeRecordJSON.make(code: code, phone: phone, trigger: trigger.rawValue, userPoolId: "us-east-1_Inbox", time: time)
        _ = try await sns.publish(topicArn: topic, message: record.jsonString)
    }

    static func phone() -> String { "+1555\(String(format: "%07d", Int.random(in: 0...9_999_999)))" }

    @Test func theNewestCodeWinsAndTheStaleOnesAndDuplicatesAreConsumed() async throws {
        let (topic, inbox) = try await makeInbox()
        let phone = Self.phone()
        let now = Date()
        try await publish(topic, code: "inbox-111111", phone: phone, time: now.addingTimeInterval(-2))
        try await publish(topic, code: "inbox-222222", phone: phone, time: now)
        try await publish(topic, code: "inbox-222222", phone: phone, time: now)  // Lambda delivered it twice
        let other = Self.phone()
        try await publish(topic, code: "inbox-999999", phone: other)

        let record = try await inbox.waitForCode(matching: .init(phoneNumber: phone, trigger: "SignUp"), timeout: Moto.arrivalTimeout)
        #expect(record.code == "inbox-222222")
        // The stale code and the duplicate went with it; the MFA code that follows is the next answer.
        try await publish(topic, code: "inbox-333333", phone: phone, trigger: .smsAuthentication)
        let mfa = try await inbox.waitForCode(matching: .init(phoneNumber: phone), timeout: Moto.arrivalTimeout)
        #expect(mfa.code == "inbox-333333")
        await #expect(throws: CodeInbox.TimedOut.self) { try await inbox.waitForCode(matching: .init(phoneNumber: phone), timeout: .seconds(2)) }
        // Someone else's code stayed for them.
        #expect(try await inbox.waitForCode(matching: .init(phoneNumber: other), timeout: Moto.arrivalTimeout).code == "inbox-999999")
    }

    /// An inbox nobody empties holds others' old codes, which SQS hands out first: released at
    /// once, they would fill every receive and the waiters would time out (a backlog of 100 made
    /// 32 of 40 waiters miss in `make bench-inbox`). Old ones stay hidden instead, and stay queued.
    @Test func aBacklogNobodyTakesDoesNotCrowdOutTheWaiters() async throws {
        let (topic, shared) = try await makeInbox()
        for index in 0..<60 {
            try await publish(topic, code: "backlog-\(index)", phone: Self.phone(), time: Date().addingTimeInterval(-600))
        }
        let phones = (0..<5).map { _ in Self.phone() }
        let results = try await Moto.withDedicatedHTTPClient { configuration in
            let inbox = CodeInbox(sqs: try SQSClient(configuration: configuration), queueUrl: shared.queueUrl)
            return try await withThrowingTaskGroup(of: (String, String?).self) { group in
                for phone in phones {
                    group.addTask { (phone, try? await inbox.waitForCode(matching: .init(phoneNumber: phone), timeout: Moto.arrivalTimeout).code) }
                }
                try await Task.sleep(for: .seconds(1))
                for phone in phones { try await publish(topic, code: "fresh-\(phone)", phone: phone) }
                var results: [String: String?] = [:]
                for try await (phone, code) in group { results[phone] = code }
                return results
            }
        }
        for phone in phones { #expect(results[phone] == .some("fresh-\(phone)"), "\(phone) got \(String(describing: results[phone]))") }
        #expect(try await MotoResources.messagesHeld(by: shared.queueUrl, sqs: sqs) == 60, "the backlog is someone's: it stays queued")
    }

    @Test func twentyWaitersInParallelOnOneInboxEachGetTheirOwnCode() async throws {
        let (topic, shared) = try await makeInbox()
        let phones = (0..<20).map { _ in Self.phone() }
        // Twenty long polls at once: on a client of their own, as twenty test processes would have.
        let results = try await Moto.withDedicatedHTTPClient { configuration in
            let inbox = CodeInbox(sqs: try SQSClient(configuration: configuration), queueUrl: shared.queueUrl)
            return try await withThrowingTaskGroup(of: (String, String).self) { group in
                for phone in phones {
                    group.addTask { (phone, try await inbox.waitForCode(matching: .init(phoneNumber: phone), timeout: Moto.arrivalTimeout).code ?? "") }
                }
                for phone in phones { try await publish(topic, code: "parallel-\(phone)", phone: phone) }
                var results: [String: String] = [:]
                for try await (phone, code) in group { results[phone] = code }
                return results
            }
        }
        #expect(results.count == 20)
        for phone in phones { #expect(results[phone] == "parallel-\(phone)") }
    }

    /// An earlier run's code for the same phone does not answer a wait `since` this run began; the
    /// wait after it gets the fresh code, not the earlier one. (Whether the earlier record is still
    /// hidden by the first wait's receive is a race on a slow emulator, so nothing here counts it.)
    @Test func sinceIgnoresAnEarlierRunsCode() async throws {
        let (topic, inbox) = try await makeInbox()
        let phone = Self.phone()
        let runStarted = Date().addingTimeInterval(-60)
        try await publish(topic, code: "earlier-run", phone: phone, time: Date().addingTimeInterval(-600))
        await #expect(throws: CodeInbox.TimedOut.self) {
            try await inbox.waitForCode(matching: .init(phoneNumber: phone, since: runStarted), timeout: .seconds(2))
        }
        try await publish(topic, code: "this-run", phone: phone)
        #expect(try await inbox.waitForCode(matching: .init(phoneNumber: phone, since: runStarted), timeout: Moto.arrivalTimeout).code == "this-run")
    }

    /// A purge deletes exactly the matching codes and leaves the others queued. It counts only
    /// what this test published, on an inbox no wait has received from.
    @Test func purgeTakesOnlyTheMatchingOnes() async throws {
        let (topic, inbox) = try await makeInbox()
        let phone = Self.phone(), other = Self.phone()
        try await publish(topic, code: "earlier-run-1", phone: phone, time: Date().addingTimeInterval(-600))
        try await publish(topic, code: "earlier-run-2", phone: phone, time: Date().addingTimeInterval(-300))
        try await publish(topic, code: "someone-else", phone: other)
        #expect(try await inbox.purge(matching: .init(phoneNumber: phone)) == 2)
        await #expect(throws: CodeInbox.TimedOut.self) { try await inbox.waitForCode(matching: .init(phoneNumber: phone), timeout: .seconds(2)) }
        #expect(try await inbox.waitForCode(matching: .init(phoneNumber: other), timeout: Moto.arrivalTimeout).code == "someone-else")
    }

    @Test func aTimeoutSaysWhatTheInboxHeld() async throws {
        let (topic, inbox) = try await makeInbox()
        let other = Self.phone()
        try await publish(topic, code: "not-yours", phone: other, trigger: .smsForgotPassword)
        do {
            _ = try await inbox.waitForCode(matching: .init(phoneNumber: Self.phone()), timeout: Moto.listenBeforeTimingOut)
            Issue.record("a code arrived for a phone nobody published to")
        } catch let timedOut as CodeInbox.TimedOut {
            let text = "\(timedOut)"
            #expect(text.contains("no matching code arrived in \(Moto.listenBeforeTimingOut.components.seconds) s"))
            #expect(text.contains("1 other code, for \(other) (CustomSMSSender_ForgotPassword)"), "\(text)")
            #expect(!text.contains("not-yours"), "the timeout message holds another user's code")
        }
    }

    /// Probe: a record whose phone number carries a terminal escape and a newline (anyone who may
    /// publish to the topic could write one). The timeout message shows it with `?` for each
    /// control character, so it cannot recolour or forge lines of the waiter's terminal or log.
    @Test func aTimeoutShowsOthersFieldsWithoutTheirControlCharacters() async throws {
        let (topic, inbox) = try await makeInbox()
        try await publish(topic, code: "not-yours-either", phone: "+1555\u{1B}[31mEVIL\nwait-code: forged line")
        let timedOut = await #expect(throws: CodeInbox.TimedOut.self) {
            _ = try await inbox.waitForCode(matching: .init(phoneNumber: Self.phone()), timeout: Moto.listenBeforeTimingOut)
        }
        let text = timedOut.map { "\($0)" } ?? ""
        #expect(text.contains("+1555?[31mEVIL?wait-code: forged line"), "\(text)")
        #expect(!text.contains("\u{1B}") && !text.contains("\n"), "\(text)")
    }

    @Test func filtersThatCouldOnlyTimeOutAreRejectedWithWhatToWrite() throws {
        #expect { try CodeInbox.Filter.validated(phoneNumber: "15556666") } throws: { "\($0)".contains("not E.164") && "\($0)".contains("+15555550100") }
        #expect { try CodeInbox.Filter.validated(trigger: "Teleport") } throws: { "\($0)".contains("unknown trigger 'Teleport'") && "\($0)".contains("SignUp") }
        #expect(try CodeInbox.Filter.validated(phoneNumber: "+15556666", trigger: "signup").trigger == "SignUp")
        #expect(try CodeInbox.Filter.validated(trigger: "customsmssender_authentication").trigger == "CustomSMSSender_Authentication")
    }

    /// The deletes after a match are inside the deadline too: an SQS that takes the receive but
    /// never answers a delete cannot hold a wait past its deadline (plus the grace an unanswered
    /// call gets) for the transport's timeouts and retries. What is checked is that the wait
    /// returned its code while the delete was still unanswered, and cut it off: not how fast.
    /// The delete stand-in waits an hour; the time limit turns a wait that is not bounded into a
    /// failure instead of a hung run. The 20-second timeout is the emulator's room to answer the
    /// receive on a busy machine.
    @Test(.timeLimit(.minutes(3))) func deletesThatNeverAnswerDoNotHoldTheWaitPastItsDeadline() async throws {
        let (topic, inbox) = try await makeInbox()
        let phone = Self.phone()
        try await publish(topic, code: "bounded-\(UUID().uuidString.prefix(8))", phone: phone)
        let queueUrl = inbox.queueUrl
        let deletes = DeletesNeverAnswer()
        let hanging = try SQSClient(configuration: Moto.configuration(transport: deletes))
        let record = try await CodeInbox(sqs: hanging, queueUrl: queueUrl).waitForCode(matching: .init(phoneNumber: phone), timeout: .seconds(20))
        #expect(record.phoneNumber == phone)
        #expect(deletes.started >= 1, "the wait sent its delete")
        // Give the cancelled delete a moment to unwind; it was cut off, never answered.
        for _ in 0..<50 where deletes.cancelled < deletes.started { try await Task.sleep(for: .milliseconds(100)) }
        #expect(deletes.cancelled == deletes.started, "every unanswered delete was cut off at the deadline")
    }
}

/// Stands in for an SQS endpoint that accepts a DeleteMessage and never answers it (moto always
/// answers); every other call goes to moto. Counts the deletes sent and those cut off.
final class DeletesNeverAnswer: HTTPTransport {
    let moto = Moto.testTransport()
    private let counts = NIOLockedValueBox((started: 0, cancelled: 0))
    var started: Int { counts.withLockedValue { $0.started } }
    var cancelled: Int { counts.withLockedValue { $0.cancelled } }

    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        let action = request.headers.first { $0.name.lowercased() == "x-amz-target" }?.value ?? String(decoding: request.body, as: UTF8.self)
        if action.contains("DeleteMessage") {
            counts.withLockedValue { $0.started += 1 }
            do {
                try await Task.sleep(for: .seconds(3600))
            } catch {
                counts.withLockedValue { $0.cancelled += 1 }
            }
            throw CancellationError()
        }
        return try await moto.send(request, timeout: timeout)
    }
}
