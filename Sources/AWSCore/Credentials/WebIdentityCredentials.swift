#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// `AWS_ROLE_ARN` with `AWS_WEB_IDENTITY_TOKEN_FILE` (what EKS and CI systems with OIDC set), or a
/// profile's `role_arn` with `web_identity_token_file`. The token file is read again on every
/// refresh: its writer rotates it.
struct WebIdentitySource: CredentialSource {
    let context: CredentialContext
    var name: String { "web identity (AWS_ROLE_ARN, AWS_WEB_IDENTITY_TOKEN_FILE)" }

    func resolve() async throws -> AWSCredentials? {
        let environment = context.environment
        if let roleArn = environment["AWS_ROLE_ARN"].nonEmpty, let tokenFile = environment["AWS_WEB_IDENTITY_TOKEN_FILE"].nonEmpty {
            let request = STSCredentialCalls.RoleRequest(
                roleArn: roleArn, sessionName: environment["AWS_ROLE_SESSION_NAME"].nonEmpty, source: "AWS_WEB_IDENTITY_TOKEN_FILE")
            return try await Self.assume(request, tokenFile: tokenFile, context: context)
        }
        // The selected profile's role_arn with web_identity_token_file, read where every profile is.
        return try await ProfileResolver(context: context).credentials(profile: context.files.profile, stage: .webIdentity)
    }

    static func assume(_ request: STSCredentialCalls.RoleRequest, tokenFile: String, context: CredentialContext) async throws -> AWSCredentials {
        guard let token = try? String(contentsOfFile: tokenFile, encoding: .utf8).trimmingWhitespace, !token.isEmpty else {
            throw AWSConfigurationError.credentialSourceFailed(source: request.source, problem: "the web identity token file \(tokenFile) is missing or empty")
        }
        return try await STSCredentialCalls(context: context).assumeRoleWithWebIdentity(request, token: token)
    }
}
