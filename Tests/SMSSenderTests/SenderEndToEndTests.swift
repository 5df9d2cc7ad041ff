import AWSCore
import AWSServices
import EncryptionSDKKMS
import EncryptionSDK
import Foundation
import LambdaLocal
import LambdaRuntime
import RedirectClient
import SMSSender
import Testing
import TestSupport

/// The built sender `bootstrap` run through the loopback Runtime API against moto: a code goes
/// from "Cognito" (encrypted as Cognito does) to the SQS code inbox.
@Suite(.serialized, .needsMoto)
struct SenderEndToEndTests {
    let kms: KMSClient
    let sns: SNSClient
    let sqs: SQSClient

    init() throws {
        kms = try KMSClient(configuration: Moto.configuration())
        sns = try SNSClient(configuration: Moto.configuration())
        sqs = try SQSClient(configuration: Moto.configuration())
    }

    struct Stack {
        let keyArn: String
        let topicArn: String
        let queueUrl: String
    }

    /// A KMS key, a topic, and an inbox queue subscribed to it (what the template creates).
    func makeStack() async throws -> Stack {
        let key = try await kms.createKey(description: "sender e2e")
        let topicArn = try await sns.createTopic(name: Moto.uniqueName("codes"))
        let queueUrl = try await sqs.createQueue(name: Moto.uniqueName("inbox"))
        let queueArn = try #require(try await sqs.getQueueAttributes(queueUrl: queueUrl, names: ["QueueArn"])["QueueArn"])
        _ = try await sns.subscribe(topicArn: topicArn, protocol: "sqs", endpoint: queueArn)
        return Stack(keyArn: key.arn, topicArn: topicArn, queueUrl: queueUrl)
    }

    func invoker(environment: [String: String], log: String) throws -> LocalInvoker {
        var environment = environment
        environment["AWS_ENDPOINT_URL"] = try Moto.endpoint()
        environment["AWS_ACCESS_KEY_ID"] = "testing"
        environment["AWS_SECRET_ACCESS_KEY"] = "testing"
        return LocalInvoker(
            .init(
                executable: try BuiltProducts.path("sender"), environment: environment, inheritEnvironment: false,
                functionName: "sms-sender", region: "us-east-1", timeout: .seconds(60), output: .file(log)))
    }

    func event(_ source: TriggerSource, code: String, keyArn: String, userName: String) async throws -> CustomSenderEvent {
        let simulator = CognitoSimulator(kmsKeyArn: keyArn, kms: kms)
        let event = try await simulator.event(
            triggerSource: source, code: code, userPoolId: "us-east-1_E2E", userName: userName,
            phoneNumber: "+1555555\(String(format: "%04d", Int.random(in: 0...9999)))", region: "us-east-1")
        SecretLedger.record(source == .smsAdminCreateUser ? .password : .code, code)
        if source == .smsAdminCreateUser {
            SecretLedger.record(
                .password,
                code.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;"))
        }
        SecretLedger.record(.ciphertext, String((event.request.code ?? "").prefix(40)))
        return event
    }

    @Test func everySMSTriggerSourceReachesTheInbox() async throws {
        let stack = try await makeStack()
        let log = TemporaryPath("sender.log")
        var expected: [String: (code: String, event: CustomSenderEvent)] = [:]
        var payloads: [Data] = []
        for source in TriggerSource.allCases where source.isSMS {
            // A temporary password has characters Cognito HTML-escapes; one code is long.
            let code =
                switch source {
                case .smsAdminCreateUser: "Tmp&<P4ss>'\(Int.random(in: 10...99))"
                case .smsResendCode: "resent-\(UUID().uuidString.prefix(12))"
                default: CognitoSimulator.makeCode()
                }
            let event = try await event(source, code: code, keyArn: stack.keyArn, userName: "user-\(source.event)")
            expected[source.rawValue] = (code, event)
            payloads.append(try event.jsonValue.data())
        }
        let report = try await invoker(environment: ["KMS_KEY_ARN": stack.keyArn, "SNS_TOPIC_ARN": stack.topicArn], log: log.path).invoke(events: payloads)
        #expect(report.outcomes.count == payloads.count)
        for outcome in report.outcomes {
            guard case let .response(body) = outcome else { Issue.record("expected a response, got \(outcome)"); continue }
            let result = try JSONDecoder().decode(SenderResult.self, from: body)
            #expect(!result.messageId.isEmpty)
        }

        var received: [String: CodeRecord] = [:]
        for _ in 0..<10 where received.count < expected.count {
            for message in try await sqs.receiveMessage(queueUrl: stack.queueUrl, maxNumberOfMessages: 10, waitTimeSeconds: 2) {
                let envelope = try JSONValue(data: Data(message.body.utf8))
                let record = try JSONDecoder().decode(CodeRecord.self, from: Data(try #require(envelope["Message"]?.stringValue).utf8))
                received[record.triggerSource] = record
                #expect(envelope["Subject"]?.stringValue == SNSCodePublisher.subject)
                try await sqs.deleteMessage(queueUrl: stack.queueUrl, receiptHandle: message.receiptHandle)
            }
        }
        #expect(received.count == expected.count)
        for (source, (code, event)) in expected {
            let record = try #require(received[source], "no inbox message for \(source)")
            #expect(record.code == code, "\(source)")
            #expect(record.userName == event.userName)
            #expect(record.phoneNumber == event.phoneNumber)
            #expect(record.userPoolId == "us-east-1_E2E")
            #expect(record.channel == .sms)
        }
        // The function's own output never carries a code or a ciphertext.
        let output = log.contents
        #expect(output.contains("code delivered"))
        for (code, event) in expected.values {
            #expect(!output.contains(code), "the sender logged a plaintext code")
            #expect(!output.contains((event.request.code ?? "").prefix(40)), "the sender logged a ciphertext")
        }
    }

    /// The email sender's codes too, one per CustomEmailSender trigger that carries a code: each
    /// reaches the inbox with `channel: email` and the address, through the shipped sender.
    @Test func everyEmailTriggerSourceReachesTheInbox() async throws {
        let stack = try await makeStack()
        let simulator = CognitoSimulator(kmsKeyArn: stack.keyArn, kms: kms)
        var expected: [String: String] = [:]
        var payloads: [Data] = []
        for source in TriggerSource.allCases where !source.isSMS && source != .emailAccountTakeOverNotification {
            let code = source == .emailAdminCreateUser ? "Tmp&<P4ss>'\(Int.random(in: 10...99))" : CognitoSimulator.makeCode()
            SecretLedger.record(source == .emailAdminCreateUser ? .password : .code, code)
            let event = try await simulator.event(
                triggerSource: source, code: code, userPoolId: "us-east-1_E2E", userName: "mail-\(source.event)",
                phoneNumber: nil, email: "mail-\(source.event.lowercased())@example.com", region: "us-east-1")
            SecretLedger.record(.ciphertext, String((event.request.code ?? "").prefix(40)))
            expected[source.rawValue] = code
            payloads.append(try event.jsonValue.data())
        }
        let log = TemporaryPath("sender.log")
        let report = try await invoker(environment: ["KMS_KEY_ARN": stack.keyArn, "SNS_TOPIC_ARN": stack.topicArn], log: log.path).invoke(events: payloads)
        #expect(report.outcomes.count == payloads.count && report.outcomes.allSatisfy { if case .response = $0 { true } else { false } }, "\(report.outcomes)")
        let inbox = CodeInbox(sqs: sqs, queueUrl: stack.queueUrl)
        for source in TriggerSource.allCases where expected[source.rawValue] != nil {
            let record = try await inbox.waitForCode(matching: .init(userName: "mail-\(source.event)"), timeout: Moto.arrivalTimeout)
            #expect(record.code == expected[source.rawValue], "\(source)")
            #expect(record.channel == .email && record.email == "mail-\(source.event.lowercased())@example.com" && record.phoneNumber == nil)
            #expect(record.triggerSource == source.rawValue)
        }
        #expect(!log.contents.contains(expected.values.first ?? "unset"), "the sender logged a plaintext code")
    }

    /// An account takeover notification comes without a code, by SMS or by email: the sender
    /// publishes a record that says it happened, with no code field, and nothing fails.
    @Test func aNotificationWithoutACodeReachesTheInboxAsARecordWithoutOne() async throws {
        let stack = try await makeStack()
        let simulator = CognitoSimulator(kmsKeyArn: stack.keyArn, kms: kms)
        var events: [CustomSenderEvent] = []
        for source in [TriggerSource.smsAccountTakeOverNotification, .emailAccountTakeOverNotification] {
            var event = try await simulator.event(
                triggerSource: source, code: "unused", userPoolId: "us-east-1_E2E", userName: "ato-\(source.isSMS ? "sms" : "email")",
                phoneNumber: source.isSMS ? "+15555550166" : nil, email: source.isSMS ? nil : "ato@example.com", region: "us-east-1")
            event.request.code = nil
            events.append(event)
        }
        let log = TemporaryPath("sender.log")
        let report = try await invoker(environment: ["KMS_KEY_ARN": stack.keyArn, "SNS_TOPIC_ARN": stack.topicArn], log: log.path)
            .invoke(events: try events.map { try $0.jsonValue.data() })
        #expect(report.outcomes.allSatisfy { if case .response = $0 { true } else { false } }, "\(report.outcomes)")
        let inbox = CodeInbox(sqs: sqs, queueUrl: stack.queueUrl)
        let bySMS = try await inbox.waitForCode(matching: .init(userName: "ato-sms"), timeout: Moto.arrivalTimeout)
        let byEmail = try await inbox.waitForCode(matching: .init(userName: "ato-email"), timeout: Moto.arrivalTimeout)
        #expect(bySMS.code == nil && bySMS.channel == .sms && bySMS.purpose == "account takeover notification")
        #expect(byEmail.code == nil && byEmail.channel == .email && byEmail.email == "ato@example.com")
    }

    /// KMS refuses the Decrypt (a key policy without the sender's role): the error names the
    /// grant to add, and keeps KMS's own error as its cause, not only its words.
    @Test func aDeniedDecryptKeepsKMSsErrorAsItsCause() async throws {
        let stack = try await makeStack()
        let code = "denied-\(UUID().uuidString.prefix(12))"
        let event = try await event(.smsSignUp, code: code, keyArn: stack.keyArn, userName: "denied")
        let denying = FaultInjectingTransport(
            faults: [.status(400, body: #"{"__type":"AccessDeniedException","message":"User is not authorized to perform: kms:Decrypt"}"#)],
            matching: FaultInjectingTransport.operation("Decrypt"))
        let decryptor = KMSCodeDecryptor(kmsKeyArn: stack.keyArn, kms: try KMSClient(configuration: Moto.configuration(transport: denying, retry: .none)))
        let error = await #expect(throws: SenderError.self) { _ = try await decryptor.decrypt(event) }
        guard case let .kmsAccessDenied(key, cause)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(key == stack.keyArn)
        #expect(cause.code == "AccessDeniedException" && cause.operation == "Decrypt" && cause.isAccessDenied)
        #expect(error?.errorType == "Sender.KMSAccessDenied" && error?.description.contains("needs kms:Decrypt") == true)
    }

    @Test func failuresEndInClearRuntimeErrors() async throws {
        let stack = try await makeStack()
        let otherKey = try await kms.createKey(description: "someone else's")
        let log = TemporaryPath("sender.log")
        let code = "failing-\(UUID().uuidString.prefix(12))"
        let wrongKey = try await event(.smsSignUp, code: code, keyArn: otherKey.arn, userName: "wrong-key")
        var tampered = try await event(.smsSignUp, code: code, keyArn: stack.keyArn, userName: "tampered")
        var bytes = try #require(Data(base64Encoded: tampered.request.code ?? ""))
        bytes[bytes.count - 120] ^= 0x01  // inside the final frame's ciphertext
        tampered.request.code = bytes.base64EncodedString()

        let report = try await invoker(environment: ["KMS_KEY_ARN": stack.keyArn, "SNS_TOPIC_ARN": stack.topicArn], log: log.path)
            .invoke(events: [try wrongKey.jsonValue.data(), try tampered.jsonValue.data(), Data(#"{"triggerSource":"CustomSMSSender_SignUp"}"#.utf8)])
        guard report.outcomes.count == 3 else { Issue.record("expected three outcomes, got \(report.outcomes)"); return }
        guard case let .error(type, message) = report.outcomes[0] else { Issue.record("wrong key: \(report.outcomes[0])"); return }
        #expect(type == "Sender.WrongKMSKey")
        #expect(message.contains(otherKey.arn) && message.contains(stack.keyArn))
        guard case let .error(tamperedType, _) = report.outcomes[1] else { Issue.record("tampered: \(report.outcomes[1])"); return }
        #expect(tamperedType == "Sender.UndecryptableCode")
        guard case let .error(_, invalidMessage) = report.outcomes[2] else { Issue.record("invalid event: \(report.outcomes[2])"); return }
        #expect(invalidMessage.contains("version") || invalidMessage.contains("callerContext"))

        let missingTopic = try await invoker(
            environment: ["KMS_KEY_ARN": stack.keyArn, "SNS_TOPIC_ARN": "arn:aws:sns:us-east-1:\(Moto.accountId):no-such-topic"], log: log.path
        )
        .invoke(event: try await event(.smsAuthentication, code: code, keyArn: stack.keyArn, userName: "no-topic").jsonValue.data())
        guard case let .error(topicType, topicMessage) = missingTopic.outcome else { Issue.record("missing topic: \(missingTopic.outcome)"); return }
        #expect(topicType == "Sender.SNSTopicNotFound")
        #expect(topicMessage.contains("no-such-topic") && topicMessage.contains("SNS_TOPIC_ARN"))

        let unconfigured = try await invoker(environment: ["KMS_KEY_ARN": stack.keyArn], log: log.path).invoke(event: Data("{}".utf8))
        guard case let .initError(initType, initMessage) = unconfigured.outcome else { Issue.record("missing variable: \(unconfigured.outcome)"); return }
        #expect(initType == "Runtime.MissingEnvironmentVariable")
        #expect(initMessage.contains("SNS_TOPIC_ARN"))
        #expect(unconfigured.exit != .exited(0))

        #expect(!log.contents.contains(code), "the sender logged a plaintext code")
        #expect(log.contents.contains("Sender.WrongKMSKey"), "a failure must be in the function's log: Cognito ignores the result")
    }
}

/// A scratch file path, removed with the value.
final class TemporaryPath: Sendable {
    let path: String
    init(_ name: String) {
        path = TestLogs.path(name)
    }
    var contents: String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
    deinit { if !TestLogs.isKept(path) { try? FileManager.default.removeItem(atPath: path) } }
}
