#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A profile's `role_arn` assumed with STS AssumeRole, on the credentials its `source_profile`
/// or its `credential_source` gives.
extension ProfileResolver {
    func assumeRole(_ roleArn: String, profile: String, settings: [String: String], visited: [String]) async throws -> AWSCredentials {
        let source = "profile \(profile)"
        if settings["mfa_serial"].nonEmpty != nil {
            throw AWSConfigurationError.credentialSourceFailed(
                source: source,
                problem:
                    "mfa_serial needs an MFA code typed at a prompt, which this tool does not ask for. Run `aws sts assume-role` yourself and export its keys, or use a profile without mfa_serial."
            )
        }
        let request = STSCredentialCalls.RoleRequest(
            roleArn: roleArn, sessionName: settings["role_session_name"].nonEmpty,
            externalId: settings["external_id"].nonEmpty, durationSeconds: settings["duration_seconds"].nonEmpty, source: source)
        let sts = STSCredentialCalls(context: context)
        if let sourceProfile = settings["source_profile"].nonEmpty {
            // A profile may name itself as its source: its own keys assume its role.
            let base: AWSCredentials
            if sourceProfile == profile {
                guard let keys = try ProfileCredentialsProvider.staticKeys(in: settings, profile: profile) else {
                    throw AWSConfigurationError.credentialSourceFailed(
                        source: source, problem: "source_profile names the profile itself, which has no aws_access_key_id")
                }
                base = keys
            } else {
                base = try await sourceCredentials(profile: sourceProfile, visited: visited + [profile])
            }
            return try await sts.assumeRole(request, base: base)
        }
        if let named = settings["credential_source"].nonEmpty {
            return try await sts.assumeRole(request, base: try await credentialSource(named, profile: profile))
        }
        throw AWSConfigurationError.credentialSourceFailed(
            source: source, problem: "role_arn needs source_profile, credential_source or web_identity_token_file beside it")
    }

    /// `credential_source`: where the base credentials of a role profile come from.
    private func credentialSource(_ named: String, profile: String) async throws -> AWSCredentials {
        let found: AWSCredentials?
        switch named {
        case "Environment": found = try EnvironmentCredentialsProvider(environment: context.environment).resolve()
        case "EcsContainer": found = try await ContainerSource(context: context).resolve()
        case "Ec2InstanceMetadata": found = try await InstanceMetadataSource(context: context).resolve()
        default:
            throw AWSConfigurationError.credentialSourceFailed(
                source: "profile \(profile)", problem: "credential_source '\(named)' is not one of Environment, EcsContainer, Ec2InstanceMetadata")
        }
        guard let found else {
            throw AWSConfigurationError.credentialSourceFailed(source: "profile \(profile)", problem: "credential_source \(named) has no credentials here")
        }
        return found
    }
}
