import AWSCore
import AWSServices
import Foundation
import Testing
import TestSupport

/// SNS and SQS together, the way the code inbox uses them: a topic fans out to a queue.
@Suite(.needsMoto)
struct MessagingTests {
    let sns: SNSClient
    let sqs: SQSClient
    init() throws {
        sns = try SNSClient(configuration: Moto.configuration())
        sqs = try SQSClient(configuration: Moto.configuration())
    }

    @Test func topicToQueueDeliveryWithAttributes() async throws {
        let topicArn = try await sns.createTopic(name: Moto.uniqueName("codes"))
        #expect(topicArn.hasPrefix("arn:aws:sns:us-east-1:"))
        let queueName = Moto.uniqueName("inbox")
        let queueUrl = try await sqs.createQueue(name: queueName, attributes: ["MessageRetentionPeriod": "3600"])
        #expect(try await sqs.getQueueUrl(name: queueName) == queueUrl)
        let attributes = try await sqs.getQueueAttributes(queueUrl: queueUrl)
        let queueArn = try #require(attributes["QueueArn"])
        #expect(attributes["MessageRetentionPeriod"] == "3600")

        let policy =
            #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"\#(queueArn)"}]}"#
        try await sqs.setQueueAttributes(queueUrl: queueUrl, attributes: ["Policy": policy, "VisibilityTimeout": "5"])
        #expect(try await sqs.getQueueAttributes(queueUrl: queueUrl, names: ["VisibilityTimeout"])["VisibilityTimeout"] == "5")

        let subscriptionArn = try await sns.subscribe(topicArn: topicArn, protocol: "sqs", endpoint: queueArn)
        #expect(subscriptionArn.hasPrefix(topicArn))

        let message = #"{"default":"plain","sqs":"{\"code\":\"123456\"}","email":"Your code"}"#
        let messageId = try await sns.publish(
            topicArn: topicArn, message: message, subject: "Cognito Lambda-based SMS messaging testing stack",
            messageStructure: "json", messageAttributes: ["phone_number": .string("+15555550100"), "trigger_source": .string("CustomSMSSender_SignUp")])
        #expect(!messageId.isEmpty)

        let received = try await sqs.receiveMessage(queueUrl: queueUrl, maxNumberOfMessages: 10, waitTimeSeconds: 5)
        let delivered = try #require(received.first)
        let envelope = try JSONValue(data: Data(delivered.body.utf8))
        #expect(envelope["Message"]?.stringValue == #"{"code":"123456"}"#)
        #expect(envelope["Subject"]?.stringValue == "Cognito Lambda-based SMS messaging testing stack")
        #expect(envelope["MessageId"]?.stringValue == messageId)
        #expect(envelope["MessageAttributes"]["phone_number"]["Value"]?.stringValue == "+15555550100")

        try await sqs.deleteMessage(queueUrl: queueUrl, receiptHandle: delivered.receiptHandle)
        let again = try await sqs.receiveMessage(queueUrl: queueUrl, waitTimeSeconds: 1, visibilityTimeout: 0)
        #expect(again.isEmpty)
    }

    @Test func publishingToAMissingTopicIsAServiceError() async throws {
        let error = try await #require(throws: AWSError.self) {
            try await sns.publish(topicArn: "arn:aws:sns:us-east-1:\(Moto.accountId):no-such-topic", message: "x")
        }
        #expect(error.service == "SNS")
        #expect(error.operation == "Publish")
        #expect(error.statusCode == 404)
        #expect(error.code == "NotFound")
        #expect(!error.message.isEmpty)
    }

    @Test func missingQueueIsAServiceError() async throws {
        let error = try await #require(throws: AWSError.self) { try await sqs.getQueueUrl(name: "no-such-queue-\(UUID().uuidString.prefix(6))") }
        #expect(error.service == "SQS")
        #expect(error.operation == "GetQueueUrl")
        #expect(error.statusCode == 400)
        #expect(error.code == "QueueDoesNotExist")
    }
}
