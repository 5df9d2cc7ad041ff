import AWSCore

/// The EventBridge calls the watch's engine tests make (awsJson 1.1, `AWSEvents`): reading a
/// deployed rule and asking the engine's own matcher whether an event matches its pattern. The
/// product makes no EventBridge call (the templates create the rules), so this client lives here.
public struct EventBridgeProbe: Sendable {
    /// EventBridge on the wire: awsJson 1.1 with target prefix `AWSEvents`, signed as `events`.
    public static let service = ServiceDescriptor(
        serviceId: "EventBridge", signingName: "events", endpointPrefix: "events", wireProtocol: .awsJSON(version: "1.1", targetPrefix: "AWSEvents"))

    let client: AWSServiceClient

    public init(configuration: AWSClientConfiguration) throws {
        client = try AWSServiceClient(service: Self.service, configuration: configuration)
    }

    /// DescribeRule's `EventPattern` (nil for a scheduled rule) and `ScheduleExpression`.
    public func rule(named name: String) async throws -> (eventPattern: String?, scheduleExpression: String?) {
        let rule = try await client.json("DescribeRule", ["Name": .string(name)])
        return (rule["EventPattern"]?.stringValue, rule["ScheduleExpression"]?.stringValue)
    }

    /// ListTargetsByRule's target ARNs.
    public func targets(ofRule name: String) async throws -> [String] {
        let answer = try await client.json("ListTargetsByRule", ["Rule": .string(name)])
        return (answer["Targets"]?.arrayValue ?? []).compactMap { $0["Arn"]?.stringValue }
    }

    /// TestEventPattern: whether the engine matches `event` (an envelope as EventBridge delivers it) to `pattern`.
    public func matches(pattern: String, event: JSONValue) async throws -> Bool {
        let answer = try await client.json("TestEventPattern", ["EventPattern": .string(pattern), "Event": .string(event.jsonString)])
        return answer["Result"]?.boolValue == true
    }
}
