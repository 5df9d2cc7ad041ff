import AWSCore
import Foundation

/// AWS IAM (awsQuery): only what the demo needs, a role a Lambda function may assume.
public struct IAMClient: Sendable {
    public static let service = ServiceDescriptor(serviceId: "IAM", signingName: "iam", endpointPrefix: "iam", wireProtocol: .awsQuery(apiVersion: "2010-05-08"))

    public let client: AWSServiceClient

    public init(configuration: AWSClientConfiguration) throws {
        client = try AWSServiceClient(service: Self.service, configuration: configuration)
    }

    /// Creates a role Lambda may assume; returns its ARN.
    public func createLambdaRole(name: String) async throws -> String {
        let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        let result = try await client.query("CreateRole", [("RoleName", name), ("AssumeRolePolicyDocument", trust)])
        guard let arn = result.descendant("Arn")?.text else { throw client.malformed(operation: "CreateRole", response: nil, detail: "the response has no Role.Arn") }
        return arn
    }
}
