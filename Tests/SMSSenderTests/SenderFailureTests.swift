import AWSCore
import AWSServices
import EncryptionSDKKMS
import Foundation
import RedirectClient
import SMSSender
import Testing
import TestSupport

/// A sender failure reaches the waiting test: Cognito invokes the sender asynchronously, Lambda
/// retries and then sends its invocation record to the on-failure queue (played by `smsredirect
/// invoke --async` on moto), and `wait-code` and `inbox failures` read it from there.
@Suite(.serialized, .needsMoto)
struct SenderFailureTests {
    let kms: KMSClient
    let sns: SNSClient
    let sqs: SQSClient
    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("sender-failures-\(UUID().uuidString)")

    init() throws {
        kms = try KMSClient(configuration: Moto.configuration())
        sns = try SNSClient(configuration: Moto.configuration())
        sqs = try SQSClient(configuration: Moto.configuration())
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    /// The fields of AWS's documented invocation record (invocation-async-retain-records.html),
    /// with a Cognito event as the request payload.
    static func awsRecord(condition: String = "RetriesExhausted", responsePayload: JSONValue) -> JSONValue {
        [
            "version": "1.0", "timestamp": "2026-12-02T10:00:05.568Z",
            "requestContext": [
                "requestId": "e4b46cbf-b738-4d4c-8880-a18cdf61200e", "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:sms-sender:$LATEST",
                "condition": .string(condition), "approximateInvokeCount": 2,
            ],
            "requestPayload": [
                "version": "1", "triggerSource": "CustomSMSSender_ForgotPassword", "region": "us-east-1", "userPoolId": "us-east-1_Docs",
                "userName": "ana", "callerContext": ["awsSdkVersion": "aws-sdk-unknown-unknown", "clientId": "abc"],
                "request": ["type": "customSMSSenderRequestV1", "code": "AYADeHh", "userAttributes": ["phone_number": "+15555550177"], "clientMetadata": [:]],
            ],
            "responseContext": ["statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"],
            "responsePayload": responsePayload,
        ]
    }

    @Test func aRecordOfAWSsShapeSaysWhoFailedAndWhy() throws {
        let failure = try #require(
            SenderFailure(
                invocationRecord: Self.awsRecord(responsePayload: ["errorType": "Sender.WrongKMSKey", "errorMessage": "encrypted under another key"])))
        #expect(failure.phoneNumber == "+15555550177" && failure.userName == "ana" && failure.triggerSource == "CustomSMSSender_ForgotPassword")
        #expect(failure.attempts == 2 && failure.condition == "RetriesExhausted")
        #expect(
            failure.summary
                == "the sender failed for +15555550177 (CustomSMSSender_ForgotPassword) at 2026-12-02T10:00:05.568Z, 2 attempts: Sender.WrongKMSKey: encrypted under another key"
        )
        #expect(failure.matches(.init(phoneNumber: "+15555550177", trigger: "ForgotPassword")))
        #expect(!failure.matches(.init(phoneNumber: "+15555550177", trigger: "SignUp")))
        #expect(!failure.matches(.init(userName: "bo")))
        #expect(!String(decoding: try JSONEncoder().encode(failure), as: UTF8.self).contains("AYADeHh"), "a failure keeps no ciphertext")

        // A timeout has only a message; an expired event says so.
        let expired = try #require(
            SenderFailure(
                invocationRecord: Self.awsRecord(condition: "EventAgeExceeded", responsePayload: ["errorMessage": "Task timed out after 15.02 seconds"])))
        #expect(expired.summary.contains("the event expired in Lambda's queue: Task timed out after 15.02 seconds"))
        #expect(SenderFailure(body: #"{"Type":"Notification","Message":"{}"}"#) == nil)
        #expect(SenderFailure(body: "not json") == nil)
    }

    @Test func invokeAsyncRetriesThenRecordsTheFailureAndWaitCodeReportsIt() async throws {
        let sendersKey = try await kms.createKey(description: "the sender's key")
        let otherKey = try await kms.createKey(description: "someone else's key")
        let topic = try await sns.createTopic(name: Moto.uniqueName("codes"))
        let inbox = try await sqs.createQueue(name: Moto.uniqueName("inbox"))
        _ = try await sns.subscribe(topicArn: topic, protocol: "sqs", endpoint: try #require(try await sqs.getQueueAttributes(queueUrl: inbox)["QueueArn"]))
        let failures = try await sqs.createQueue(name: Moto.uniqueName("sender-failures"))
        let phone = "+1555\(String(format: "%07d", Int.random(in: 0...9_999_999)))"
        let code = CognitoSimulator.makeCode()
        let event = try await CognitoSimulator(kmsKeyArn: otherKey.arn, kms: kms)
            .event(triggerSource: .smsSignUp, code: code, userPoolId: "us-east-1_Failures", userName: "ana", phoneNumber: phone, region: "us-east-1")
        SecretLedger.record(.code, code)
        SecretLedger.record(.ciphertext, String((event.request.code ?? "").prefix(40)))
        let eventFile = scratch.appendingPathComponent("event.json").path
        try event.jsonValue.data().write(to: URL(fileURLWithPath: eventFile))
        let smsredirect = try BuiltProducts.path("smsredirect")

        let invoke = try await CommandRunner.run(
            smsredirect,
            [
                "invoke", "--async", "--retry-delays", "0.1,0.2", "--on-failure-queue-url", failures,
                "--bootstrap", try BuiltProducts.path("sender"), "--event", eventFile, "--region", "us-east-1", "--timeout", "30",
                "--env", "KMS_KEY_ARN=\(sendersKey.arn)", "--env", "SNS_TOPIC_ARN=\(topic)",
            ])
        #expect(invoke.status == 1, "the last attempt's function error: \(invoke.standardError)")
        #expect(invoke.standardError.contains("async: 3 attempts, every one failed"), "\(invoke.standardError)")

        // The record has AWS's shape, the attempts and the error, and no ciphertext.
        let bodies = try await sqs.receiveMessage(queueUrl: failures, waitTimeSeconds: 2, visibilityTimeout: 0).map(\.body)
        try #require(bodies.count == 1, "\(bodies.count) records")
        #expect(!bodies[0].contains((event.request.code ?? "").prefix(40)), "the failure record holds the ciphertext")
        let record = try JSONValue(data: Data(bodies[0].utf8))
        #expect(record["requestContext"]["condition"] == "RetriesExhausted")
        #expect(record["requestContext"]["approximateInvokeCount"] == 3)
        #expect(record["requestPayload"]["request"]["code"]?.stringValue == SenderFailure.redactedCode)
        #expect(record["requestPayload"]["triggerSource"] == "CustomSMSSender_SignUp")
        #expect(record["responsePayload"]["errorType"] == "Sender.WrongKMSKey")

        // The waiting test is told why its code never came.
        let wait = try await CommandRunner.run(
            smsredirect, ["wait-code", "--queue-url", inbox, "--failures-queue-url", failures, "--phone", phone, "--trigger", "SignUp", "--timeout", "3"])
        #expect(wait.status == 2, "\(wait.standardError)")
        #expect(wait.standardError.contains("the sender failed for \(phone) (CustomSMSSender_SignUp)"), "\(wait.standardError)")
        #expect(wait.standardError.contains("3 attempts: Sender.WrongKMSKey"), "\(wait.standardError)")
        let otherUser = try await CommandRunner.run(
            smsredirect, ["wait-code", "--queue-url", inbox, "--failures-queue-url", failures, "--phone", "+15555550100", "--timeout", "2"])
        #expect(otherUser.standardError.contains("the sender reported no failure for this filter (1 failure record"), "\(otherUser.standardError)")
        let noQueue = try await CommandRunner.run(
            smsredirect, ["wait-code", "--queue-url", inbox, "--phone", phone, "--timeout", "2"],
            environment: ["SMSREDIRECT_FAILURES_QUEUE_URL": ""])
        #expect(noQueue.standardError.contains("give --failures-queue-url"), "\(noQueue.standardError)")

        // `inbox failures` lists it, and reading consumes nothing.
        for _ in 0..<2 {
            let listed = try await CommandRunner.run(smsredirect, ["inbox", "failures", "--queue-url", failures, "--phone", phone, "--json"])
            #expect(listed.status == 0, "\(listed.standardError)")
            let items = try #require(try JSONValue(data: Data(listed.standardOutput.utf8)).arrayValue)
            #expect(items.count == 1 && items.first?["errorType"] == "Sender.WrongKMSKey" && items.first?["attempts"] == 3, "\(listed.standardOutput)")
        }
        let text = try await CommandRunner.run(smsredirect, ["inbox", "failures", "--queue-url", failures])
        #expect(text.standardOutput.contains("the sender failed for \(phone)"), "\(text.standardOutput)")
        #expect(!text.standardOutput.contains((event.request.code ?? "").prefix(40)))
    }

    @Test func invokeAsyncOfASuccessTriesOnceAndRecordsNothing() async throws {
        let key = try await kms.createKey(description: "the sender's key")
        let topic = try await sns.createTopic(name: Moto.uniqueName("codes"))
        let failures = try await sqs.createQueue(name: Moto.uniqueName("sender-failures"))
        let code = CognitoSimulator.makeCode()
        let event = try await CognitoSimulator(kmsKeyArn: key.arn, kms: kms)
            .event(
                triggerSource: .smsAuthentication, code: code, userPoolId: "us-east-1_Failures", userName: "bo", phoneNumber: "+15555550178",
                region: "us-east-1")
        SecretLedger.record(.code, code)
        let run = try await CommandRunner.run(
            try BuiltProducts.path("smsredirect"),
            [
                "invoke", "--async", "--retry-delays", "0.1,0.2", "--on-failure-queue-url", failures, "--bootstrap", try BuiltProducts.path("sender"),
                "--event", "-", "--region", "us-east-1", "--timeout", "30", "--env", "KMS_KEY_ARN=\(key.arn)", "--env", "SNS_TOPIC_ARN=\(topic)",
            ],
            input: try event.jsonValue.data())
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.standardError.contains("async: 1 attempt, succeeded"), "\(run.standardError)")
        #expect(try await sqs.receiveMessage(queueUrl: failures, waitTimeSeconds: 1).isEmpty)
    }
}
