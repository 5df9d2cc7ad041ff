import AWSCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Amazon SNS (awsQuery, XML responses).
public struct SNSClient: Sendable {
    /// SNS on the wire: awsQuery with API version 2010-03-31, signed as `sns`.
    public static let service = ServiceDescriptor(
        serviceId: "SNS", signingName: "sns", endpointPrefix: "sns", wireProtocol: .awsQuery(apiVersion: "2010-03-31"))

    /// The signing, retrying client every call goes through.
    public let client: AWSServiceClient

    /// Creates a client; `AWS_ENDPOINT_URL_SNS` or `AWS_ENDPOINT_URL` overrides the endpoint.
    public init(configuration: AWSClientConfiguration) throws {
        client = try AWSServiceClient(service: Self.service, configuration: configuration)
    }

    /// A message attribute for subscription filter policies.
    public struct MessageAttribute: Sendable, Equatable {
        /// `DataType`: `String`, `String.Array`, `Number` or `Binary`.
        public var dataType: String
        /// `StringValue`: the value as text, whatever the data type.
        public var stringValue: String
        /// Creates an attribute; the data type defaults to `String`.
        public init(dataType: String = "String", stringValue: String) {
            self.dataType = dataType
            self.stringValue = stringValue
        }
        /// A `String` attribute.
        public static func string(_ value: String) -> MessageAttribute { MessageAttribute(stringValue: value) }
    }

    /// CreateTopic (idempotent for the same name and attributes); returns the topic ARN.
    public func createTopic(name: String, attributes: [String: String] = [:]) async throws -> String {
        let result = try await client.query("CreateTopic", [("Name", name)] + Self.entries("Attributes", attributes))
        return try required(result, "TopicArn", operation: "CreateTopic")
    }

    /// Subscribe; returns the subscription ARN (`pending confirmation` for an email endpoint
    /// unless `returnSubscriptionArn`).
    public func subscribe(
        topicArn: String, protocol transport: String, endpoint: String, attributes: [String: String] = [:], returnSubscriptionArn: Bool = true
    ) async throws -> String {
        var parameters: [(name: String, value: String)] = [("TopicArn", topicArn), ("Protocol", transport), ("Endpoint", endpoint)]
        parameters += Self.entries("Attributes", attributes)
        if returnSubscriptionArn { parameters.append(("ReturnSubscriptionArn", "true")) }
        let result = try await client.query("Subscribe", parameters)
        return try required(result, "SubscriptionArn", operation: "Subscribe")
    }

    /// Publish; returns the message id. With `messageStructure: "json"`, `message` is a JSON object
    /// of one message per protocol (`default`, `email`, `sqs`, …).
    public func publish(
        topicArn: String, message: String, subject: String? = nil, messageStructure: String? = nil,
        messageAttributes: [String: MessageAttribute] = [:]
    ) async throws -> String {
        var parameters: [(name: String, value: String)] = [("TopicArn", topicArn), ("Message", message)]
        if let subject { parameters.append(("Subject", subject)) }
        if let messageStructure { parameters.append(("MessageStructure", messageStructure)) }
        for (index, attribute) in messageAttributes.sorted(by: { $0.key < $1.key }).enumerated() {
            let prefix = "MessageAttributes.entry.\(index + 1)"
            parameters += [
                ("\(prefix).Name", attribute.key), ("\(prefix).Value.DataType", attribute.value.dataType),
                ("\(prefix).Value.StringValue", attribute.value.stringValue),
            ]
        }
        let result = try await client.query("Publish", parameters)
        return try required(result, "MessageId", operation: "Publish")
    }

    /// Publish straight to a phone number (an SMS, E.164), as a transactional message; returns the message id.
    public func publishSMS(phoneNumber: String, message: String) async throws -> String {
        let parameters: [(name: String, value: String)] = [
            ("PhoneNumber", phoneNumber), ("Message", message),
            ("MessageAttributes.entry.1.Name", "AWS.SNS.SMS.SMSType"), ("MessageAttributes.entry.1.Value.DataType", "String"),
            ("MessageAttributes.entry.1.Value.StringValue", "Transactional"),
        ]
        let result = try await client.query("Publish", parameters)
        return try required(result, "MessageId", operation: "Publish")
    }

    /// Unsubscribe: deletes the subscription; the endpoint gets no further messages.
    public func unsubscribe(subscriptionArn: String) async throws {
        _ = try await client.query("Unsubscribe", [("SubscriptionArn", subscriptionArn)])
    }

    /// One subscription of a topic, as ListSubscriptionsByTopic lists it.
    public struct Subscription: Sendable, Equatable {
        /// `SubscriptionArn`; `PendingConfirmation` until the endpoint confirms (an email's link).
        public var subscriptionArn: String
        /// `Protocol`: `email`, `sqs`, `https`, …
        public var transport: String
        /// `Endpoint`: the address, queue ARN or URL.
        public var endpoint: String

        /// True while the endpoint has not confirmed the subscription: it receives nothing.
        public var isPendingConfirmation: Bool { subscriptionArn == "PendingConfirmation" }

        /// A subscription as listed.
        public init(subscriptionArn: String, transport: String, endpoint: String) {
            self.subscriptionArn = subscriptionArn
            self.transport = transport
            self.endpoint = endpoint
        }
    }

    /// ListSubscriptionsByTopic, every page.
    public func listSubscriptionsByTopic(topicArn: String) async throws -> [Subscription] {
        var subscriptions: [Subscription] = []
        var nextToken: String?
        repeat {
            var parameters: [(name: String, value: String)] = [("TopicArn", topicArn)]
            if let nextToken { parameters.append(("NextToken", nextToken)) }
            let result = try await client.query("ListSubscriptionsByTopic", parameters)
            for member in result.child("Subscriptions")?.children(named: "member") ?? [] {
                subscriptions.append(
                    Subscription(
                        subscriptionArn: member.childText("SubscriptionArn") ?? "", transport: member.childText("Protocol") ?? "",
                        endpoint: member.childText("Endpoint") ?? ""))
            }
            nextToken = result.childText("NextToken").flatMap { $0.isEmpty ? nil : $0 }
        } while nextToken != nil
        return subscriptions
    }

    private func required(_ result: XMLElement, _ field: String, operation: String) throws -> String {
        guard let value = result.childText(field), !value.isEmpty else {
            throw client.malformed(operation: operation, response: nil, detail: "the response has no \(field)")
        }
        return value
    }

    /// The query protocol's map encoding: `Name.entry.N.key` / `Name.entry.N.value`.
    static func entries(_ name: String, _ map: [String: String]) -> [(name: String, value: String)] {
        map.sorted { $0.key < $1.key }.enumerated().flatMap { index, pair in
            [("\(name).entry.\(index + 1).key", pair.key), ("\(name).entry.\(index + 1).value", pair.value)]
        }
    }
}
