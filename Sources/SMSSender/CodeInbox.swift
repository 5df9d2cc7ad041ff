import AWSCore
import AWSServices
import Foundation

/// Reads codes from the SQS code inbox: what an end-to-end test of an app calls to finish a sign-up.
public struct CodeInbox: Sendable {
    public let sqs: SQSClient
    public let queueUrl: String

    public init(sqs: SQSClient, queueUrl: String) {
        self.sqs = sqs
        self.queueUrl = queueUrl
    }

    /// Which codes to take.
    public struct Filter: Sendable, Equatable {
        public var phoneNumber: String?
        public var userName: String?
        /// A trigger source, or its event name (`SignUp`, `Authentication`, …).
        public var trigger: String?

        public init(phoneNumber: String? = nil, userName: String? = nil, trigger: String? = nil) {
            self.phoneNumber = phoneNumber
            self.userName = userName
            self.trigger = trigger
        }

        public func matches(_ record: CodeRecord) -> Bool {
            if let phoneNumber, record.phoneNumber != phoneNumber { return false }
            if let userName, record.userName != userName { return false }
            if let trigger, record.triggerSource != trigger, !record.triggerSource.hasSuffix("_\(trigger)") { return false }
            return true
        }
    }

    /// The inbox had nothing matching before the deadline.
    public struct TimedOut: Error, CustomStringConvertible {
        public let seconds: Int
        public var description: String { "no matching code arrived in \(seconds) s" }
    }

    /// A message body as a record: the SNS envelope (the default) or raw delivery.
    public static func record(fromBody body: String) -> CodeRecord? {
        let decoder = JSONDecoder()
        guard let envelope = try? JSONValue(data: Data(body.utf8)) else { return nil }
        if let message = envelope["Message"]?.stringValue, envelope["Type"]?.stringValue == "Notification" {
            return try? decoder.decode(CodeRecord.self, from: Data(message.utf8))
        }
        return try? decoder.decode(CodeRecord.self, from: Data(body.utf8))
    }

    /// Long-polls until a matching code arrives; deletes only that message. Others become
    /// visible again a second later, for other readers.
    public func waitForCode(matching filter: Filter, timeout: Duration) async throws -> CodeRecord {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let left = deadline - ContinuousClock.now
            let wait = max(1, min(20, Int(left.components.seconds)))
            for message in try await sqs.receiveMessage(queueUrl: queueUrl, maxNumberOfMessages: 10, waitTimeSeconds: wait, visibilityTimeout: 1) {
                if let record = Self.record(fromBody: message.body), filter.matches(record) {
                    try await sqs.deleteMessage(queueUrl: queueUrl, receiptHandle: message.receiptHandle)
                    return record
                }
            }
        }
        throw TimedOut(seconds: Int(timeout.components.seconds))
    }
}
