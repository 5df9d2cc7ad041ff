import AWSCore
import Foundation

/// AWS CloudFormation (awsQuery): reading a deployed stack, for `smsredirect doctor --stack`.
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
            status: member.childText("StackStatus") ?? "", outputs: pairs("Outputs", key: "OutputKey", value: "OutputValue"),
            parameters: pairs("Parameters", key: "ParameterKey", value: "ParameterValue"))
    }

    /// CreateStack from a template body; returns the stack id. (The doctor tests deploy a stack
    /// of literal outputs with it; the real stacks are deployed with the AWS CLI.)
    public func createStack(name: String, templateBody: String, parameters: [String: String] = [:]) async throws -> String {
        var input: [(String, String)] = [("StackName", name), ("TemplateBody", templateBody)]
        for (index, parameter) in parameters.sorted(by: { $0.key < $1.key }).enumerated() {
            input += [("Parameters.member.\(index + 1).ParameterKey", parameter.key), ("Parameters.member.\(index + 1).ParameterValue", parameter.value)]
        }
        let result = try await client.query("CreateStack", input)
        guard let id = result.childText("StackId") else {
            throw client.malformed(operation: "CreateStack", response: nil, detail: "the response has no StackId")
        }
        return id
    }
}
