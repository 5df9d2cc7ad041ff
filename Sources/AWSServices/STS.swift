import AWSCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// AWS STS (awsQuery): who the caller is, for `smsredirect deploy`'s artifact bucket name.
public struct STSClient: Sendable {
    /// STS on the wire: awsQuery with API version 2011-06-15, signed as `sts`.
    public static let service = ServiceDescriptor(
        serviceId: "STS", signingName: "sts", endpointPrefix: "sts", wireProtocol: .awsQuery(apiVersion: "2011-06-15"))

    /// The signing, retrying client every call goes through.
    public let client: AWSServiceClient

    /// Creates a client; `AWS_ENDPOINT_URL_STS` or `AWS_ENDPOINT_URL` overrides the endpoint.
    public init(configuration: AWSClientConfiguration) throws {
        client = try AWSServiceClient(service: Self.service, configuration: configuration)
    }

    /// GetCallerIdentity's `Account`: the 12-digit account the credentials belong to (the call
    /// needs no permission).
    public func account() async throws -> String {
        let result = try await client.query("GetCallerIdentity", [])
        guard let account = result.childText("Account"), !account.isEmpty else {
            throw client.malformed(operation: "GetCallerIdentity", response: nil, detail: "the response has no Account")
        }
        return account
    }
}
