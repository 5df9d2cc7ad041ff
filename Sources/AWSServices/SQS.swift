import AWSCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Amazon SQS (awsJson 1.0, the protocol current SDKs use).
public struct SQSClient: Sendable {
    /// SQS on the wire: awsJson 1.0 with target prefix `AmazonSQS`, signed as `sqs`.
    public static let service = ServiceDescriptor(
        serviceId: "SQS", signingName: "sqs", endpointPrefix: "sqs", wireProtocol: .awsJSON(version: "1.0", targetPrefix: "AmazonSQS"))

    /// The signing, retrying client every call goes through.
    public let client: AWSServiceClient

    /// Creates a client; `AWS_ENDPOINT_URL_SQS` or `AWS_ENDPOINT_URL` overrides the endpoint.
    public init(configuration: AWSClientConfiguration) throws {
        client = try AWSServiceClient(service: Self.service, configuration: configuration)
    }

    /// A message as ReceiveMessage returns it.
    public struct Message: Sendable, Equatable {
        /// `MessageId`: SQS's id of the message, the same on every delivery.
        public var messageId: String
        /// `ReceiptHandle`: this delivery's handle, needed to delete the message or change its visibility.
        public var receiptHandle: String
        /// `Body`; empty when absent.
        public var body: String
        /// `Attributes`: system attributes such as `ApproximateReceiveCount` and `SentTimestamp`.
        public var attributes: [String: String]
        /// `MessageAttributes` by name, their `StringValue` only (binary attributes are left out).
        public var messageAttributes: [String: String]
    }

    /// CreateQueue; returns the queue URL. Idempotent when the name and attributes match an existing queue.
    public func createQueue(name: String, attributes: [String: String] = [:], tags: [String: String] = [:]) async throws -> String {
        var input: JSONValue = ["QueueName": .string(name)]
        if !attributes.isEmpty { input["Attributes"] = attributes.jsonValue }
        if !tags.isEmpty { input["tags"] = tags.jsonValue }
        let output = try await client.json("CreateQueue", input)
        return try client.decoding("CreateQueue") { try output["QueueUrl"].requiredString("QueueUrl") }
    }

    /// DeleteQueue; SQS may take up to 60 seconds to finish, and the name is blocked meanwhile.
    public func deleteQueue(queueUrl: String) async throws {
        _ = try await client.json("DeleteQueue", ["QueueUrl": .string(queueUrl)])
    }

    /// ListQueues of the queues whose names start with `prefix` (every page).
    public func listQueues(prefix: String) async throws -> [String] {
        var urls: [String] = []
        var token: String?
        repeat {
            var input: JSONValue = ["QueueNamePrefix": .string(prefix), "MaxResults": 1000]
            if let token { input["NextToken"] = .string(token) }
            let output = try await client.json("ListQueues", input)
            urls += (output["QueueUrls"]?.arrayValue ?? []).compactMap(\.stringValue)
            token = output["NextToken"]?.stringValue
        } while token != nil
        return urls
    }

    /// TagQueue: adds or overwrites the given tags, leaving others alone.
    public func tagQueue(queueUrl: String, tags: [String: String]) async throws {
        _ = try await client.json("TagQueue", ["QueueUrl": .string(queueUrl), "Tags": tags.jsonValue])
    }

    /// ListQueueTags; empty when the queue has none.
    public func listQueueTags(queueUrl: String) async throws -> [String: String] {
        let output = try await client.json("ListQueueTags", ["QueueUrl": .string(queueUrl)])
        return (output["Tags"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    /// GetQueueUrl; a missing queue throws an ``AWSError`` with `isNotFound`.
    public func getQueueUrl(name: String, ownerAccount: String? = nil) async throws -> String {
        var input: JSONValue = ["QueueName": .string(name)]
        if let ownerAccount { input["QueueOwnerAWSAccountId"] = .string(ownerAccount) }
        let output = try await client.json("GetQueueUrl", input)
        return try client.decoding("GetQueueUrl") { try output["QueueUrl"].requiredString("QueueUrl") }
    }

    /// GetQueueAttributes for `names` (every attribute by default), values as SQS writes them.
    public func getQueueAttributes(queueUrl: String, names: [String] = ["All"]) async throws -> [String: String] {
        let output = try await client.json("GetQueueAttributes", ["QueueUrl": .string(queueUrl), "AttributeNames": .array(names.map { .string($0) })])
        return (output["Attributes"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    /// SetQueueAttributes for the given attributes only; changes may take a minute to spread.
    public func setQueueAttributes(queueUrl: String, attributes: [String: String]) async throws {
        _ = try await client.json("SetQueueAttributes", ["QueueUrl": .string(queueUrl), "Attributes": attributes.jsonValue])
    }

    /// ReceiveMessage; `waitTimeSeconds` > 0 long-polls (up to 20 s), and the request's own timeout
    /// is stretched to cover it.
    public func receiveMessage(queueUrl: String, maxNumberOfMessages: Int = 10, waitTimeSeconds: Int = 0, visibilityTimeout: Int? = nil) async throws
        -> [Message]
    {
        var input: JSONValue = [
            "QueueUrl": .string(queueUrl), "MaxNumberOfMessages": .integer(Int64(maxNumberOfMessages)),
            "WaitTimeSeconds": .integer(Int64(waitTimeSeconds)),
            "MessageAttributeNames": ["All"], "MessageSystemAttributeNames": ["All"],
        ]
        if let visibilityTimeout { input["VisibilityTimeout"] = .integer(Int64(visibilityTimeout)) }
        let output = try await client.json("ReceiveMessage", input, timeout: .seconds(waitTimeSeconds) + client.configuration.timeout)
        return try client.decoding("ReceiveMessage") {
            try (output["Messages"]?.arrayValue ?? []).map { message in
                Message(
                    messageId: try message["MessageId"].requiredString("MessageId"),
                    receiptHandle: try message["ReceiptHandle"].requiredString("ReceiptHandle"),
                    body: message["Body"]?.stringValue ?? "",
                    attributes: (message["Attributes"]?.objectValue ?? [:]).compactMapValues(\.stringValue),
                    messageAttributes: (message["MessageAttributes"]?.objectValue ?? [:]).compactMapValues { $0["StringValue"]?.stringValue })
            }
        }
    }

    /// ChangeMessageVisibility; 0 makes the message visible to other readers at once.
    public func changeMessageVisibility(queueUrl: String, receiptHandle: String, visibilityTimeout: Int) async throws {
        _ = try await client.json(
            "ChangeMessageVisibility",
            [
                "QueueUrl": .string(queueUrl), "ReceiptHandle": .string(receiptHandle),
                "VisibilityTimeout": .integer(Int64(visibilityTimeout)),
            ])
    }

    /// SendMessage; returns the message id.
    public func sendMessage(queueUrl: String, body: String) async throws -> String {
        let output = try await client.json("SendMessage", ["QueueUrl": .string(queueUrl), "MessageBody": .string(body)])
        return try client.decoding("SendMessage") { try output["MessageId"].requiredString("MessageId") }
    }

    /// DeleteMessage by the receipt handle of its latest delivery.
    public func deleteMessage(queueUrl: String, receiptHandle: String) async throws {
        _ = try await client.json("DeleteMessage", ["QueueUrl": .string(queueUrl), "ReceiptHandle": .string(receiptHandle)])
    }
}
