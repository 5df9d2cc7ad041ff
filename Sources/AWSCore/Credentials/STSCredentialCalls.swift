#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The two AWS STS calls the credential chain makes. They live here, below the service clients,
/// because every service client needs the chain.
struct STSCredentialCalls: Sendable {
    static let service = ServiceDescriptor(serviceId: "STS", signingName: "sts", endpointPrefix: "sts", wireProtocol: .awsQuery(apiVersion: "2011-06-15"))

    let context: CredentialContext

    /// What AssumeRole and AssumeRoleWithWebIdentity share: the role and how the session is named.
    struct RoleRequest: Sendable {
        var roleArn: String
        var sessionName: String?
        var externalId: String?
        var durationSeconds: String?
        /// Where the request came from, for errors: `profile dev`, `AWS_ROLE_ARN`.
        var source: String
    }

    /// AssumeRole, signed with `base`.
    func assumeRole(_ request: RoleRequest, base: AWSCredentials) async throws -> AWSCredentials {
        var parameters = common(request)
        if let externalId = request.externalId { parameters.append(("ExternalId", externalId)) }
        return try await call("AssumeRole", parameters, credentials: StaticCredentialsProvider(base), source: request.source)
    }

    /// AssumeRoleWithWebIdentity: unsigned, the token is the proof.
    func assumeRoleWithWebIdentity(_ request: RoleRequest, token: String) async throws -> AWSCredentials {
        try await call(
            "AssumeRoleWithWebIdentity", common(request) + [("WebIdentityToken", token)],
            credentials: AnonymousCredentialsProvider(), source: request.source)
    }

    private func common(_ request: RoleRequest) -> [(name: String, value: String)] {
        var parameters: [(name: String, value: String)] = [
            ("RoleArn", request.roleArn),
            ("RoleSessionName", request.sessionName ?? "smsredirect-\(Int(Date().timeIntervalSince1970))"),
        ]
        if let duration = request.durationSeconds { parameters.append(("DurationSeconds", duration)) }
        return parameters
    }

    private func call(_ action: String, _ parameters: [(name: String, value: String)], credentials: any CredentialsProvider, source: String) async throws
        -> AWSCredentials
    {
        let configuration = AWSClientConfiguration(
            region: context.stsRegion, credentials: credentials, environment: context.environment,
            transport: context.transport, retry: context.retry, timeout: .seconds(10), logger: context.logger)
        let client = try AWSServiceClient(service: Self.service, configuration: configuration)
        let result: XMLElement
        do {
            result = try await client.query(action, parameters)
        } catch let error as AWSError {
            throw AWSConfigurationError.credentialSourceFailed(source: source, problem: "STS \(action) for \(parameters[0].value) was refused: \(error)")
        }
        guard let keys = result.child("Credentials"), let keyId = keys.childText("AccessKeyId"), let secret = keys.childText("SecretAccessKey") else {
            throw AWSConfigurationError.credentialSourceFailed(source: source, problem: "STS \(action) answered without Credentials")
        }
        return AWSCredentials(
            accessKeyId: keyId, secretAccessKey: secret, sessionToken: keys.childText("SessionToken"),
            expiration: keys.childText("Expiration").flatMap(AWSTimestamp.parse))
    }
}

/// The timestamps credential sources write: ISO 8601, with or without fractional seconds.
enum AWSTimestamp {
    static func parse(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        return try? Date(text, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
