import AWSCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// AWS IAM (awsQuery): a role a Lambda function may assume (the demo), and the policies in force on a role (`doctor`).
public struct IAMClient: Sendable {
    /// IAM on the wire: awsQuery with API version 2010-05-08, signed as `iam`.
    public static let service = ServiceDescriptor(
        serviceId: "IAM", signingName: "iam", endpointPrefix: "iam", wireProtocol: .awsQuery(apiVersion: "2010-05-08"))

    /// The signing, retrying client every call goes through.
    public let client: AWSServiceClient

    /// Creates a client; `AWS_ENDPOINT_URL_IAM` or `AWS_ENDPOINT_URL` overrides the endpoint.
    public init(configuration: AWSClientConfiguration) throws {
        client = try AWSServiceClient(service: Self.service, configuration: configuration)
    }

    /// Creates a role Lambda may assume; returns its ARN.
    public func createLambdaRole(name: String) async throws -> String {
        let trust = #"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#
        let result = try await client.query("CreateRole", [("RoleName", name), ("AssumeRolePolicyDocument", trust)])
        guard let arn = result.descendant("Arn")?.text else {
            throw client.malformed(operation: "CreateRole", response: nil, detail: "the response has no Role.Arn")
        }
        return arn
    }

    /// The policy documents in force on a role: its inline policies and the default versions of
    /// its attached managed policies, each parsed (IAM returns them URL-encoded).
    public func rolePolicyDocuments(roleName: String) async throws -> [JSONValue] {
        var documents: [JSONValue] = []
        let inline = try await client.query("ListRolePolicies", [("RoleName", roleName)])
        for name in inline.child("PolicyNames")?.children(named: "member").map(\.text) ?? [] {
            let policy = try await client.query("GetRolePolicy", [("RoleName", roleName), ("PolicyName", name)])
            documents.append(try client.decoding("GetRolePolicy") { try Self.policyDocument(policy.childText("PolicyDocument")) })
        }
        let attached = try await client.query("ListAttachedRolePolicies", [("RoleName", roleName)])
        for arn in attached.child("AttachedPolicies")?.children(named: "member").compactMap({ $0.childText("PolicyArn") }) ?? [] {
            let policy = try await client.query("GetPolicy", [("PolicyArn", arn)])
            guard let version = policy.descendant("DefaultVersionId")?.text else { continue }
            let document = try await client.query("GetPolicyVersion", [("PolicyArn", arn), ("VersionId", version)])
            documents.append(try client.decoding("GetPolicyVersion") { try Self.policyDocument(document.descendant("Document")?.text) })
        }
        return documents
    }

    /// PutRolePolicy: adds or replaces the inline policy `name` of the role.
    public func putRolePolicy(roleName: String, name: String, document: JSONValue) async throws {
        _ = try await client.query("PutRolePolicy", [("RoleName", roleName), ("PolicyName", name), ("PolicyDocument", document.jsonString)])
    }

    /// A policy document as IAM returns it: URL-encoded JSON (moto returns it plain).
    static func policyDocument(_ text: String?) throws -> JSONValue {
        guard let text else { throw MissingFieldError(field: "PolicyDocument") }
        let decoded = text.percentDecoded ?? text
        return try JSONValue(data: Data(decoded.utf8))
    }
}
