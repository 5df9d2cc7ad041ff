import AWSCore
import AWSServices
import EncryptionSDKKMS
import Foundation
import LambdaLocal
import RedirectClient
import SMSSender
import Testing
import TestSupport

/// Events a careless or hostile caller could send the sender: a code-bearing trigger without a
/// code, and a message under the right key that was not made for this pool. Neither becomes a
/// record in the inbox; each is a failure that names what was wrong.
@Suite(.serialized, .needsMoto)
struct HostileSenderEventTests {
    let kms: KMSClient
    let sns: SNSClient
    let sqs: SQSClient

    init() throws {
        kms = try KMSClient(configuration: Moto.configuration())
        sns = try SNSClient(configuration: Moto.configuration())
        sqs = try SQSClient(configuration: Moto.configuration())
    }

    /// A message as Cognito makes it (the simulator's encryption) with any context.
    func message(code: String, keyArn: String, context: [String: String]) async throws -> String {
        SecretLedger.record(.code, code)
        let base64 = try await CognitoSimulator(kmsKeyArn: keyArn, kms: kms).encrypt(code: code, encryptionContext: context)
        SecretLedger.record(.ciphertext, String(base64.prefix(40)))
        return base64
    }

    func event(pool: String, code: String?) -> CustomSenderEvent {
        CustomSenderEvent(
            version: "1", triggerSource: .smsSignUp, region: "us-east-1", userPoolId: pool, userName: "hostile",
            callerContext: .init(awsSdkVersion: "aws-sdk-unknown-unknown", clientId: "client"),
            request: .init(type: "customSMSSenderRequestV1", code: code, userAttributes: ["phone_number": "+15555550177"], clientMetadata: [:]))
    }

    /// The encryption context binds the code to its pool: the event's pool decrypts; another
    /// pool's context, or none, is refused before any KMS call.
    @Test func onlyAMessageForTheEventsPoolIsDecrypted() async throws {
        let key = try await kms.createKey(description: "shared by two pools")
        let counting = CountingTransport()
        let decryptor = KMSCodeDecryptor(kmsKeyArn: key.arn, kms: try KMSClient(configuration: Moto.configuration(transport: counting)))

        let mine = try await message(code: "483920", keyArn: key.arn, context: ["userpool-id": "us-east-1_Mine"])
        #expect(try await decryptor.decrypt(event(pool: "us-east-1_Mine", code: mine)) == "483920")
        let callsForOne = counting.count

        let theirs = try await message(code: "771204", keyArn: key.arn, context: ["userpool-id": "us-east-1_Theirs"])
        let other = await #expect(throws: SenderError.self) { _ = try await decryptor.decrypt(event(pool: "us-east-1_Mine", code: theirs)) }
        #expect(other == .codeForAnotherPool(eventPool: "us-east-1_Mine", contextPool: "us-east-1_Theirs"))
        #expect(other?.errorType == "Sender.EncryptionContextMismatch")
        #expect(other?.description.contains("us-east-1_Theirs") == true && other?.description.contains("771204") == false)

        let none = try await message(code: "100200", keyArn: key.arn, context: [:])
        let missing = await #expect(throws: SenderError.self) { _ = try await decryptor.decrypt(event(pool: "us-east-1_Mine", code: none)) }
        #expect(missing == .codeForAnotherPool(eventPool: "us-east-1_Mine", contextPool: nil))
        #expect(counting.count == callsForOne, "a refused message never reaches KMS")
    }

    /// A SignUp without `request.code` through the built sender: a function error named
    /// `Sender.MissingCode` (so Lambda retries it and then sends it to the on-failure
    /// destination), and nothing in the inbox. An account takeover notification without one still
    /// publishes, in the same run.
    @Test func aCodeBearingTriggerWithoutACodeFailsAndPublishesNothing() async throws {
        let key = try await kms.createKey(description: "missing code")
        let (topic, queue) = try await MotoResources.makeSubscribedInbox(sns: sns, sqs: sqs)
        var notification = event(pool: "us-east-1_Hostile", code: nil)
        notification.triggerSource = .smsAccountTakeOverNotification
        let log = TemporaryPath("sender.log")
        let invoker = LocalInvoker(
            .init(
                executable: try BuiltProducts.path("sender"),
                environment: [
                    "KMS_KEY_ARN": key.arn, "SNS_TOPIC_ARN": topic, "AWS_ENDPOINT_URL": try Moto.endpoint(), "AWS_ACCESS_KEY_ID": "testing",
                    "AWS_SECRET_ACCESS_KEY": "testing",
                ], inheritEnvironment: false, functionName: "sms-sender", region: "us-east-1", timeout: .seconds(60), output: .file(log.path)))
        let report = try await invoker.invoke(events: [try event(pool: "us-east-1_Hostile", code: nil).jsonValue.data(), try notification.jsonValue.data()])
        guard case let .error(type, message)? = report.outcomes.first else { Issue.record("\(report.outcomes)"); return }
        #expect(type == "Sender.MissingCode" && message.contains("CustomSMSSender_SignUp"), "\(message)")
        guard case .response? = report.outcomes.last else { Issue.record("the notification: \(report.outcomes)"); return }
        // Counted before any wait takes a message: the notification alone, the SignUp published nothing.
        #expect(try await MotoResources.messagesHeld(by: queue, sqs: sqs) == 1, "the SignUp published nothing")
        let record = try await CodeInbox(sqs: sqs, queueUrl: queue).waitForCode(matching: .init(userName: "hostile"), timeout: Moto.arrivalTimeout)
        #expect(record.triggerSource == TriggerSource.smsAccountTakeOverNotification.rawValue && record.code == nil)
    }
}
