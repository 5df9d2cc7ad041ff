import AWSCore
import Foundation

/// Amazon SQS (awsJson 1.0, the protocol current SDKs use).
public struct SQSClient: Sendable {
    public static let service = ServiceDescriptor(
        serviceId: "SQS", signingName: "sqs", endpointPrefix: "sqs", wireProtocol: .awsJSON(version: "1.0", targetPrefix: "AmazonSQS"))

    public let client: AWSServiceClient

    public init(configuration: AWSClientConfiguration) throws {
        client = try AWSServiceClient(service: Self.service, configuration: configuration)
    }

    public struct Message: Sendable, Equatable {
        public var messageId: String
        public var receiptHandle: String
        public var body: String
        public var attributes: [String: String]
        public var messageAttributes: [String: String]
    }

    public func createQueue(name: String, attributes: [String: String] = [:], tags: [String: String] = [:]) async throws -> String {
        var input: JSONValue = ["QueueName": .string(name)]
        if !attributes.isEmpty { input["Attributes"] = attributes.jsonValue }
        if !tags.isEmpty { input["tags"] = tags.jsonValue }
        let output = try await client.json("CreateQueue", input)
        return try client.decoding("CreateQueue") { try output["QueueUrl"].requiredString("QueueUrl") }
    }

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

    public func tagQueue(queueUrl: String, tags: [String: String]) async throws {
        _ = try await client.json("TagQueue", ["QueueUrl": .string(queueUrl), "Tags": tags.jsonValue])
    }

    public func listQueueTags(queueUrl: String) async throws -> [String: String] {
        let output = try await client.json("ListQueueTags", ["QueueUrl": .string(queueUrl)])
        return (output["Tags"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    public func getQueueUrl(name: String) async throws -> String {
        let output = try await client.json("GetQueueUrl", ["QueueName": .string(name)])
        return try client.decoding("GetQueueUrl") { try output["QueueUrl"].requiredString("QueueUrl") }
    }

    public func getQueueAttributes(queueUrl: String, names: [String] = ["All"]) async throws -> [String: String] {
        let output = try await client.json("GetQueueAttributes", ["QueueUrl": .string(queueUrl), "AttributeNames": .array(names.map { .string($0) })])
        return (output["Attributes"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    }

    public func setQueueAttributes(queueUrl: String, attributes: [String: String]) async throws {
        _ = try await client.json("SetQueueAttributes", ["QueueUrl": .string(queueUrl), "Attributes": attributes.jsonValue])
    }

    /// ReceiveMessage; `waitTimeSeconds` > 0 long-polls (up to 20 s), and the request's own timeout
    /// is stretched to cover it.
    public func receiveMessage(queueUrl: String, maxNumberOfMessages: Int = 10, waitTimeSeconds: Int = 0, visibilityTimeout: Int? = nil) async throws -> [Message] {
        var input: JSONValue = [
            "QueueUrl": .string(queueUrl), "MaxNumberOfMessages": .integer(Int64(maxNumberOfMessages)),
            "WaitTimeSeconds": .integer(Int64(waitTimeSeconds)),
            "MessageAttributeNames": ["All"], "MessageSystemAttributeNames": ["All"],
        ]
        if let visibilityTimeout { input["VisibilityTimeout"] = .integer(Int64(visibilityTimeout)) }
        let output = try await client.json("ReceiveMessage", input, timeout: .seconds(waitTimeSeconds) + client.configuration.timeout)
        return try client.decoding("ReceiveMessage") {
            try (output["Messages"]?.arrayValue ?? []).map { message in
                Message(messageId: try message["MessageId"].requiredString("MessageId"),
                        receiptHandle: try message["ReceiptHandle"].requiredString("ReceiptHandle"),
                        body: message["Body"]?.stringValue ?? "",
                        attributes: (message["Attributes"]?.objectValue ?? [:]).compactMapValues(\.stringValue),
                        messageAttributes: (message["MessageAttributes"]?.objectValue ?? [:]).compactMapValues { $0["StringValue"]?.stringValue })
            }
        }
    }

    /// ChangeMessageVisibility; 0 makes the message visible to other readers at once.
    public func changeMessageVisibility(queueUrl: String, receiptHandle: String, visibilityTimeout: Int) async throws {
        _ = try await client.json("ChangeMessageVisibility", ["QueueUrl": .string(queueUrl), "ReceiptHandle": .string(receiptHandle),
                                                              "VisibilityTimeout": .integer(Int64(visibilityTimeout))])
    }

    /// SendMessage; returns the message id.
    public func sendMessage(queueUrl: String, body: String) async throws -> String {
        let output = try await client.json("SendMessage", ["QueueUrl": .string(queueUrl), "MessageBody": .string(body)])
        return try client.decoding("SendMessage") { try output["MessageId"].requiredString("MessageId") }
    }

    public func deleteMessage(queueUrl: String, receiptHandle: String) async throws {
        _ = try await client.json("DeleteMessage", ["QueueUrl": .string(queueUrl), "ReceiptHandle": .string(receiptHandle)])
    }
}
