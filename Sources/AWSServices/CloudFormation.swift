import AWSCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// AWS CloudFormation (awsQuery): deploying a stack and following it (StackDeploy, `make demo`),
/// and reading a deployed one (`smsredirect doctor --stack`).
public struct CloudFormationClient: Sendable {
    /// CloudFormation on the wire: awsQuery with API version 2010-05-15, signed as `cloudformation`.
    public static let service = ServiceDescriptor(
        serviceId: "CloudFormation", signingName: "cloudformation", endpointPrefix: "cloudformation",
        wireProtocol: .awsQuery(apiVersion: "2010-05-15"))

    /// The signing, retrying client every call goes through.
    public let client: AWSServiceClient

    /// Creates a client; `AWS_ENDPOINT_URL_CLOUDFORMATION` or `AWS_ENDPOINT_URL` overrides the endpoint.
    public init(configuration: AWSClientConfiguration) throws {
        client = try AWSServiceClient(service: Self.service, configuration: configuration)
    }

    /// What DescribeStacks says of one stack.
    public struct Stack: Sendable, Equatable {
        /// `StackId`: the stack's ARN.
        public var stackId: String
        /// `StackName`.
        public var name: String
        /// `StackStatus`, e.g. `CREATE_COMPLETE` or `UPDATE_ROLLBACK_FAILED`.
        public var status: String
        /// `StackStatusReason`, when CloudFormation gives one.
        public var statusReason: String? = nil
        /// `Outputs`, by `OutputKey`.
        public var outputs: [String: String]
        /// `Parameters`, by `ParameterKey`.
        public var parameters: [String: String]
    }

    /// DescribeStacks for one stack, by name or id; an unknown stack throws an ``AWSError`` whose
    /// code is `ValidationError` ("Stack with id NAME does not exist").
    public func describeStack(name: String) async throws -> Stack {
        let result = try await client.query("DescribeStacks", [("StackName", name)])
        guard let member = result.child("Stacks")?.children(named: "member").first else {
            throw client.malformed(operation: "DescribeStacks", response: nil, detail: "the response lists no stack")
        }
        func pairs(_ list: String, key: String, value: String) -> [String: String] {
            var map: [String: String] = [:]
            for entry in member.child(list)?.children(named: "member") ?? [] {
                if let name = entry.childText(key) { map[name] = entry.childText(value) ?? "" }
            }
            return map
        }
        return Stack(
            stackId: member.childText("StackId") ?? name, name: member.childText("StackName") ?? name,
            status: member.childText("StackStatus") ?? "", statusReason: member.childText("StackStatusReason"),
            outputs: pairs("Outputs", key: "OutputKey", value: "OutputValue"),
            parameters: pairs("Parameters", key: "ParameterKey", value: "ParameterValue"))
    }

    /// CreateStack from a template body; returns the stack id. `capabilities` acknowledges what the
    /// template creates (`CAPABILITY_IAM` for its roles).
    public func createStack(
        name: String, templateBody: String, parameters: [String: String] = [:], capabilities: [String] = []
    ) async throws -> String {
        let input = [("StackName", name), ("TemplateBody", templateBody)] + Self.listed(parameters: parameters, capabilities: capabilities)
        let result = try await client.query("CreateStack", input)
        guard let id = result.childText("StackId") else {
            throw client.malformed(operation: "CreateStack", response: nil, detail: "the response has no StackId")
        }
        return id
    }

    /// UpdateStack to a new template body and parameters. A template and parameters equal to the
    /// stack's throw an ``AWSError`` with code `ValidationError`, "No updates are to be performed."
    public func updateStack(
        name: String, templateBody: String, parameters: [String: String] = [:], capabilities: [String] = []
    ) async throws {
        let input = [("StackName", name), ("TemplateBody", templateBody)] + Self.listed(parameters: parameters, capabilities: capabilities)
        _ = try await client.query("UpdateStack", input)
    }

    /// DeleteStack: starts the delete; DescribeStacks follows it (by stack id: a deleted stack's
    /// name no longer resolves).
    public func deleteStack(name: String) async throws {
        _ = try await client.query("DeleteStack", [("StackName", name)])
    }

    /// One entry of a stack's event history.
    public struct StackEvent: Sendable, Equatable {
        /// `EventId`: unique within the stack.
        public var eventId: String
        /// `Timestamp`, as CloudFormation wrote it (ISO 8601).
        public var timestamp: String
        /// `LogicalResourceId`: the template's name for the resource, or the stack's name.
        public var logicalResourceId: String
        /// `PhysicalResourceId`, when the resource has one yet.
        public var physicalResourceId: String?
        /// `ResourceType`, e.g. `AWS::Lambda::Function` or `AWS::CloudFormation::Stack`.
        public var resourceType: String
        /// `ResourceStatus`, e.g. `CREATE_FAILED`.
        public var status: String
        /// `ResourceStatusReason`, when given: why a resource failed.
        public var statusReason: String?

        /// Whether the event is a failure (`…_FAILED`).
        public var isFailure: Bool { status.hasSuffix("_FAILED") }
    }

    /// DescribeStackEvents, oldest first (CloudFormation lists the newest first): every page, or,
    /// with `stoppingAt`, the pages up to the first that holds one of those event ids (a stack's
    /// history only grows, so a follower reads only what is new).
    public func describeStackEvents(name: String, stoppingAt known: Set<String> = []) async throws -> [StackEvent] {
        var events: [StackEvent] = []
        var nextToken: String?
        repeat {
            var input = [("StackName", name)]
            if let nextToken { input.append(("NextToken", nextToken)) }
            let result = try await client.query("DescribeStackEvents", input)
            for member in result.child("StackEvents")?.children(named: "member") ?? [] {
                guard let id = member.childText("EventId") else { continue }
                events.append(
                    StackEvent(
                        eventId: id, timestamp: member.childText("Timestamp") ?? "", logicalResourceId: member.childText("LogicalResourceId") ?? "",
                        physicalResourceId: member.childText("PhysicalResourceId"), resourceType: member.childText("ResourceType") ?? "",
                        status: member.childText("ResourceStatus") ?? "", statusReason: member.childText("ResourceStatusReason")))
            }
            nextToken = result.childText("NextToken")
            if !known.isEmpty && events.contains(where: { known.contains($0.eventId) }) { break }
        } while nextToken != nil
        return events.reversed()
    }

    /// DescribeStackResources: each resource's physical id (a name, an ARN or a URL, by type), by
    /// its logical id in the template.
    public func describeStackResources(name: String) async throws -> [String: String] {
        let result = try await client.query("DescribeStackResources", [("StackName", name)])
        var resources: [String: String] = [:]
        for member in result.child("StackResources")?.children(named: "member") ?? [] {
            if let logical = member.childText("LogicalResourceId") { resources[logical] = member.childText("PhysicalResourceId") ?? "" }
        }
        return resources
    }

    /// Whether a change set creates the stack or updates it.
    public enum ChangeSetType: String, Sendable {
        case create = "CREATE"
        case update = "UPDATE"
    }

    /// CreateChangeSet from a template body; returns the change set's id. A `create` change set
    /// makes the stack exist, in `REVIEW_IN_PROGRESS`, until it is executed.
    public func createChangeSet(
        stack: String, name: String, type: ChangeSetType, templateBody: String, parameters: [String: String], capabilities: [String]
    ) async throws -> String {
        let input =
            [("StackName", stack), ("ChangeSetName", name), ("ChangeSetType", type.rawValue), ("TemplateBody", templateBody)]
            + Self.listed(parameters: parameters, capabilities: capabilities)
        let result = try await client.query("CreateChangeSet", input)
        guard let id = result.childText("Id") else {
            throw client.malformed(operation: "CreateChangeSet", response: nil, detail: "the response has no Id")
        }
        return id
    }

    /// What DescribeChangeSet says of a change set.
    public struct ChangeSet: Sendable, Equatable {
        /// `Status`: `CREATE_PENDING`, `CREATE_IN_PROGRESS`, `CREATE_COMPLETE` or `FAILED`.
        public var status: String
        /// `StatusReason`: why it failed ("The submitted information didn't contain changes…" for none).
        public var statusReason: String?
        /// `ExecutionStatus`: `AVAILABLE` once it can be executed.
        public var executionStatus: String?
        /// The resources it changes.
        public var changes: [ResourceChange]
    }

    /// One resource a change set changes.
    public struct ResourceChange: Sendable, Equatable {
        /// The template's name for the resource.
        public var logicalResourceId: String
        /// `Add`, `Modify`, `Remove`, …
        public var action: String
    }

    /// DescribeChangeSet, by the id CreateChangeSet returned.
    public func describeChangeSet(id: String) async throws -> ChangeSet {
        let result = try await client.query("DescribeChangeSet", [("ChangeSetName", id)])
        let changes = (result.child("Changes")?.children(named: "member") ?? []).compactMap { member -> ResourceChange? in
            guard let change = member.child("ResourceChange"), let logical = change.childText("LogicalResourceId") else { return nil }
            return ResourceChange(logicalResourceId: logical, action: change.childText("Action") ?? "")
        }
        return ChangeSet(
            status: result.childText("Status") ?? "", statusReason: result.childText("StatusReason"), executionStatus: result.childText("ExecutionStatus"),
            changes: changes)
    }

    /// ExecuteChangeSet: starts the stack operation the change set describes.
    public func executeChangeSet(id: String) async throws {
        _ = try await client.query("ExecuteChangeSet", [("ChangeSetName", id)])
    }

    /// DeleteChangeSet: removes a change set that will not be executed.
    public func deleteChangeSet(id: String) async throws {
        _ = try await client.query("DeleteChangeSet", [("ChangeSetName", id)])
    }

    /// The query members of `Parameters` and `Capabilities`, in a stable order.
    static func listed(parameters: [String: String], capabilities: [String]) -> [(String, String)] {
        var input: [(String, String)] = []
        for (index, parameter) in parameters.sorted(by: { $0.key < $1.key }).enumerated() {
            input += [("Parameters.member.\(index + 1).ParameterKey", parameter.key), ("Parameters.member.\(index + 1).ParameterValue", parameter.value)]
        }
        for (index, capability) in capabilities.enumerated() { input.append(("Capabilities.member.\(index + 1)", capability)) }
        return input
    }
}
