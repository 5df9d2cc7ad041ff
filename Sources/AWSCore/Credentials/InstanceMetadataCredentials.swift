#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// EC2 instance metadata, IMDSv2 only: a session token first (PUT), then the role's credentials.
/// Off EC2 there is nothing listening, so the first call is bounded at a second, as the SDKs do.
struct InstanceMetadataSource: CredentialSource {
    let context: CredentialContext
    var name: String { "EC2 instance metadata (IMDSv2)" }
    var origin: String {
        context.environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"].nonEmpty.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 } ?? "http://169.254.169.254"
    }

    func resolve() async throws -> AWSCredentials? {
        if context.environment["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" { return nil }
        let source = "instance metadata at \(origin)"
        let tokenResponse: HTTPResponse
        do {
            tokenResponse = try await context.transport.send(
                HTTPRequest(
                    method: .PUT, origin: origin, path: "/latest/api/token",
                    headers: [("X-aws-ec2-metadata-token-ttl-seconds", "21600")]), timeout: .seconds(1))
        } catch {
            return nil  // not on EC2
        }
        // Something answering without a token (a proxy's 403, IMDS turned off) is no instance
        // metadata either; the SDKs go on the same way.
        guard tokenResponse.status == 200, !tokenResponse.body.isEmpty else { return nil }
        let token = String(decoding: tokenResponse.body, as: UTF8.self)
        let base = "/latest/meta-data/iam/security-credentials/"
        let roles = try await get(base, token: token, source: source)
        guard roles.status == 200, let role = String(decoding: roles.body, as: UTF8.self).split(whereSeparator: \.isNewline).first else {
            throw AWSConfigurationError.credentialSourceFailed(
                source: source, problem: "the instance has no IAM role (HTTP \(roles.status)): attach an instance profile")
        }
        return try MetadataCredentials.decode(try await get(base + role, token: token, source: source), source: source)
    }

    private func get(_ path: String, token: String, source: String) async throws -> HTTPResponse {
        do {
            return try await context.transport.send(
                HTTPRequest(method: .GET, origin: origin, path: path, headers: [("X-aws-ec2-metadata-token", token)]), timeout: .seconds(2))
        } catch {
            throw AWSConfigurationError.credentialSourceFailed(source: source, problem: "\(path) did not answer (\(error))")
        }
    }
}
