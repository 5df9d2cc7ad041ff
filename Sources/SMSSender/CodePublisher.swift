import AWSCore
import AWSServices
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Delivers a decrypted code.
public protocol CodePublishing: Sendable {
    /// Returns the delivery's message id.
    func publish(_ record: CodeRecord) async throws -> String
}

/// Publishes to the SNS topic that emails a person and feeds the SQS code inbox.
public struct SNSCodePublisher: CodePublishing {
    /// The AWS sample's subject, so that mail filters set up for it keep working.
    public static let subject = "Cognito Lambda-based SMS messaging testing stack"

    /// The topic every record is published to (the sender's `SNS_TOPIC_ARN`).
    public let topicArn: String
    /// The SNS client the sender publishes with.
    public let sns: SNSClient

    /// A publisher to `topicArn` through `sns`.
    public init(topicArn: String, sns: SNSClient) {
        self.topicArn = topicArn
        self.sns = sns
    }

    /// One message per protocol (`MessageStructure=json`): words for email, the record for the
    /// rest; and message attributes for subscription filter policies.
    public static func message(for record: CodeRecord) throws -> (message: String, attributes: [String: SNSClient.MessageAttribute]) {
        let json = try record.jsonString()
        let perProtocol: JSONValue = ["default": .string(json), "sqs": .string(json), "email": .string(record.emailText)]
        var attributes: [String: SNSClient.MessageAttribute] = [
            "trigger_source": .string(record.triggerSource), "user_pool_id": .string(record.userPoolId), "username": .string(record.userName),
        ]
        if let phoneNumber = record.phoneNumber { attributes["phone_number"] = .string(phoneNumber) }
        return (perProtocol.jsonString, attributes)
    }

    /// Publishes the record with ``message(for:)`` and returns SNS's `MessageId`.
    /// - Throws: ``SenderError/topicAccessDenied(topic:cause:)``, ``SenderError/topicNotFound(topic:)``,
    ///   ``SenderError/topicRejectedMessage(topic:cause:)`` or ``SenderError/publishFailed(topic:cause:)``.
    public func publish(_ record: CodeRecord) async throws -> String {
        let (message, attributes) = try Self.message(for: record)
        do {
            return try await sns.publish(topicArn: topicArn, message: message, subject: Self.subject, messageStructure: "json", messageAttributes: attributes)
        } catch let error as AWSError where error.isAccessDenied {
            throw SenderError.topicAccessDenied(topic: topicArn, cause: error)
        } catch let error as AWSError where error.isNotFound {
            throw SenderError.topicNotFound(topic: topicArn)
        } catch let error as AWSError where error.isInvalidParameter {
            throw SenderError.topicRejectedMessage(topic: topicArn, cause: error)
        } catch let error as AWSError {
            throw SenderError.publishFailed(topic: topicArn, cause: error)
        }
    }
}
