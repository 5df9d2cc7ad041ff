import AWSCore
import SMSSender
import AWSServices
import Foundation

/// Per-run code inboxes: an SQS queue of one test run's own, subscribed to the codes topic with a
/// filter policy on the message attributes the sender sets (`phone_number`, `username`,
/// `user_pool_id`), and tagged with when it expires, so that parallel CI runs never see each
/// other's codes and a forgotten inbox is pruned.
public struct RunInboxes: Sendable {
    /// The SQS client the inbox queues are created, tagged and deleted with.
    public let sqs: SQSClient
    /// The SNS client that subscribes each inbox to the codes topic.
    public let sns: SNSClient

    /// Every per-run inbox's queue name starts with this; `prune` looks at no other queue.
    public static let namePrefix = "smsredirect-inbox-"
    static let expiresTag = "smsredirect:expires"
    static let subscriptionTag = "smsredirect:subscription"
    static let topicTag = "smsredirect:topic"

    /// Per-run inboxes managed through `sqs` and `sns`.
    public init(sqs: SQSClient, sns: SNSClient) {
        self.sqs = sqs
        self.sns = sns
    }

    /// Which codes an inbox receives; nil members do not narrow it.
    public struct Selection: Sendable, Equatable {
        /// Only codes for this E.164 phone number (the `phone_number` message attribute).
        public var phoneNumber: String?
        /// Only codes for this Cognito user name (the `username` message attribute).
        public var userName: String?
        /// Only codes from this user pool (the `user_pool_id` message attribute).
        public var userPoolId: String?

        /// A selection; leave every member nil for an inbox that receives all codes.
        public init(phoneNumber: String? = nil, userName: String? = nil, userPoolId: String? = nil) {
            self.phoneNumber = phoneNumber
            self.userName = userName
            self.userPoolId = userPoolId
        }

        /// The SNS subscription filter policy (exact matches on the sender's message attributes), or
        /// nil for every code.
        public var filterPolicy: String? {
            var policy: [String: JSONValue] = [:]
            if let phoneNumber { policy["phone_number"] = [.string(phoneNumber)] }
            if let userName { policy["username"] = [.string(userName)] }
            if let userPoolId { policy["user_pool_id"] = [.string(userPoolId)] }
            return policy.isEmpty ? nil : JSONValue.object(policy).jsonString
        }
    }

    /// A created inbox, as `inbox create --json` prints it.
    public struct Created: Sendable, Codable, Equatable {
        /// The new queue's URL: what ``CodeInbox`` and `wait-code --queue-url` read from.
        public var queueUrl: String
        /// The new queue's ARN, the subscription's endpoint.
        public var queueArn: String
        /// The SNS subscription of the queue to the codes topic; `inbox delete` unsubscribes it.
        public var subscriptionArn: String
        /// ISO 8601 UTC.
        public var expires: String
        /// The subscription's filter policy JSON; nil when the inbox receives every code.
        public var filterPolicy: String?
    }

    /// The queue isn't a per-run inbox (or is gone): named, with what to do.
    public struct NotARunInbox: Error, CustomStringConvertible {
        /// The queue, what is wrong with it, and what to do instead.
        public let description: String
    }

    /// Creates the queue (encrypted, keeping messages no longer than the inbox lives), lets only
    /// the topic send to it, subscribes it with the selection's filter policy, and tags it.
    public func create(topicArn: String, selection: Selection, ttl: Duration, now: Date = Date()) async throws -> Created {
        let ttlSeconds = max(60, Int(ttl.components.seconds))
        let expires = now.addingTimeInterval(TimeInterval(ttlSeconds)).formatted(.iso8601)
        let name = Self.namePrefix + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let queueUrl = try await sqs.createQueue(
            name: name, attributes: ["SqsManagedSseEnabled": "true", "MessageRetentionPeriod": String(min(ttlSeconds, 1_209_600))],
            tags: [Self.expiresTag: expires, Self.topicTag: topicArn])
        do {
            guard let queueArn = try await sqs.getQueueAttributes(queueUrl: queueUrl, names: ["QueueArn"])["QueueArn"] else {
                throw NotARunInbox(description: "SQS returned no QueueArn for \(queueUrl)")
            }
            let policy: JSONValue = [
                "Version": "2012-10-17",
                "Statement": [
                    [
                        "Sid": "OnlyTheCodesTopicDelivers", "Effect": "Allow", "Principal": ["Service": "sns.amazonaws.com"],
                        "Action": "sqs:SendMessage", "Resource": .string(queueArn), "Condition": ["ArnEquals": ["aws:SourceArn": .string(topicArn)]],
                    ]
                ],
            ]
            try await sqs.setQueueAttributes(queueUrl: queueUrl, attributes: ["Policy": policy.jsonString])
            var attributes = ["RawMessageDelivery": "false"]
            if let filter = selection.filterPolicy { attributes["FilterPolicy"] = filter }
            let subscription = try await sns.subscribe(topicArn: topicArn, protocol: "sqs", endpoint: queueArn, attributes: attributes)
            try await sqs.tagQueue(queueUrl: queueUrl, tags: [Self.subscriptionTag: subscription])
            return Created(queueUrl: queueUrl, queueArn: queueArn, subscriptionArn: subscription, expires: expires, filterPolicy: selection.filterPolicy)
        } catch {
            // Half an inbox is no use to anyone: take it away again, and say what failed.
            try? await sqs.deleteQueue(queueUrl: queueUrl)
            throw error
        }
    }

    /// Unsubscribes and deletes a per-run inbox. Refuses any other queue (the stack's own inbox
    /// above all), since deleting it would lose every code in it.
    public func delete(queueUrl: String) async throws {
        let name = queueUrl.split(separator: "/").last.map(String.init) ?? queueUrl
        guard name.hasPrefix(Self.namePrefix) else {
            throw NotARunInbox(
                description:
                    "\(queueUrl) is not a per-run inbox (its name does not start with \(Self.namePrefix)): `inbox delete` deletes only queues `inbox create` made"
            )
        }
        let tags = try await sqs.listQueueTags(queueUrl: queueUrl)
        if let subscription = tags[Self.subscriptionTag] {
            do {
                try await sns.unsubscribe(subscriptionArn: subscription)
            } catch let error as AWSError where error.isNotFound {
                // Already gone with its topic: nothing to undo.
            }
        }
        try await sqs.deleteQueue(queueUrl: queueUrl)
    }

    /// Deletes every per-run inbox whose expiry has passed; returns their URLs. An inbox whose
    /// expiry tag is missing or unreadable is left alone.
    public func prune(now: Date = Date()) async throws -> [String] {
        var deleted: [String] = []
        for url in try await sqs.listQueues(prefix: Self.namePrefix) {
            guard let text = try await sqs.listQueueTags(queueUrl: url)[Self.expiresTag], let expires = try? Date(text, strategy: .iso8601), expires <= now
            else { continue }
            try await delete(queueUrl: url)
            deleted.append(url)
        }
        return deleted
    }
}
