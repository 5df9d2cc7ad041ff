#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The selected profile at one of its places in the chain (see ``DefaultCredentialsChain``).
struct ProfileSource: CredentialSource {
    let context: CredentialContext
    let stage: ProfileResolver.Stage

    var profile: String { context.files.profile }
    var name: String {
        switch stage {
        case .assumeRole: "profile \(profile): role_arn with source_profile or credential_source"
        case .webIdentity: "profile \(profile): role_arn with web_identity_token_file"
        case .sso: "profile \(profile): sso_session"
        case .credentialsFileKeys: "profile \(profile): keys in \(context.files.credentialsPath)"
        case .process: "profile \(profile): credential_process"
        case .configFileKeys: "profile \(profile): keys in \(context.files.configPath)"
        }
    }

    func resolve() async throws -> AWSCredentials? {
        try await ProfileResolver(context: context).credentials(profile: profile, stage: stage)
    }
}

/// A profile's credentials, as the SDKs resolve them: the one place that says which of a profile's
/// settings is tried before which. The chain asks for the selected profile one stage at a time, at
/// the stage's place among the other sources; a `source_profile` is resolved through every stage.
struct ProfileResolver: Sendable {
    /// What a profile may say its credentials come from, in the order they are tried (botocore's).
    enum Stage: Sendable, CaseIterable {
        /// `role_arn` with `source_profile` or `credential_source` (STS AssumeRole).
        case assumeRole
        /// `role_arn` with `web_identity_token_file` (STS AssumeRoleWithWebIdentity).
        case webIdentity
        /// `sso_session` (or the older `sso_start_url`): IAM Identity Center.
        case sso
        /// Keys in the `credentials` file.
        case credentialsFileKeys
        /// `credential_process`.
        case process
        /// Keys in the `config` file.
        case configFileKeys
    }

    let context: CredentialContext

    /// The profile's credentials by `stage` alone: nil when the profile says nothing of that kind;
    /// throws when it does and they cannot be had (a broken profile must not silently fall through
    /// to some other identity). `visited` is the `source_profile` chain that led here.
    func credentials(profile: String, stage: Stage, visited: [String] = []) async throws -> AWSCredentials? {
        let files = context.files
        let settings = files.settings(forProfile: profile)
        let source = "profile \(profile)"
        switch stage {
        case .assumeRole:
            guard let roleArn = settings["role_arn"].nonEmpty, settings["web_identity_token_file"].nonEmpty == nil else { return nil }
            // A role_arn with neither source is a broken profile, reported here rather than
            // passed over for the container or the instance's identity.
            return try await assumeRole(roleArn, profile: profile, settings: settings, visited: visited)
        case .webIdentity:
            guard let roleArn = settings["role_arn"].nonEmpty, let tokenFile = settings["web_identity_token_file"].nonEmpty else { return nil }
            let request = STSCredentialCalls.RoleRequest(
                roleArn: roleArn, sessionName: settings["role_session_name"].nonEmpty, durationSeconds: settings["duration_seconds"].nonEmpty, source: source)
            return try await WebIdentitySource.assume(request, tokenFile: tokenFile, context: context)
        case .sso:
            guard settings["sso_session"].nonEmpty != nil || settings["sso_start_url"].nonEmpty != nil else { return nil }
            return try await SSOSource(context: context).credentials(profile: profile, settings: settings)
        case .credentialsFileKeys:
            return try ProfileCredentialsProvider.staticKeys(in: files.settings(forProfile: profile, from: .credentials), profile: profile)
        case .process:
            guard let command = settings["credential_process"].nonEmpty else { return nil }
            return try await CredentialProcess(command: command, source: source).run()
        case .configFileKeys:
            return try ProfileCredentialsProvider.staticKeys(in: files.settings(forProfile: profile, from: .config), profile: profile)
        }
    }

    /// A profile named by `source_profile`, with `visited` the profiles that led to it: its own
    /// keys, else the first stage it answers to.
    func sourceCredentials(profile: String, visited: [String]) async throws -> AWSCredentials {
        let source = "profile \(profile)"
        guard context.files.hasProfile(profile) else {
            throw AWSConfigurationError.credentialSourceFailed(
                source: visited.last.map { "profile \($0)" } ?? source,
                problem: "source_profile '\(profile)' is in neither \(context.files.configPath) nor \(context.files.credentialsPath)")
        }
        // As a source, a profile's own keys come first (botocore's order): a role it also names
        // is not assumed on top, and a chain that comes back to it ends there.
        if let keys = try ProfileCredentialsProvider.staticKeys(in: context.files.settings(forProfile: profile), profile: profile) { return keys }
        guard !visited.contains(profile) else {
            throw AWSConfigurationError.credentialSourceFailed(
                source: source,
                problem: "source_profile loops back: \((visited + [profile]).joined(separator: " → ")). Break the loop with a profile that has keys.")
        }
        for stage in Stage.allCases {
            if let found = try await credentials(profile: profile, stage: stage, visited: visited) { return found }
        }
        throw AWSConfigurationError.credentialSourceFailed(
            source: source, problem: "it has no keys, role_arn, sso_session or credential_process, so it cannot be a source_profile")
    }
}

/// The shared `~/.aws/credentials` and `~/.aws/config` files, for the profile named by `AWS_PROFILE`.
public struct ProfileCredentialsProvider: CredentialsProvider {
    /// The shared files and the profile selected in them.
    public let files: SharedConfigFiles

    /// Creates a provider reading the profile's static keys from `files`.
    public init(files: SharedConfigFiles) { self.files = files }

    /// Returns nil when the profile has no keys in either file.
    public func resolve() throws -> AWSCredentials? {
        try Self.staticKeys(in: files.profileSettings(), profile: files.profile)
    }

    static func staticKeys(in settings: [String: String], profile: String) throws -> AWSCredentials? {
        try AWSCredentials.pair(
            from: settings, keyId: "aws_access_key_id", secret: "aws_secret_access_key", token: "aws_session_token",
            source: "profile \(profile)")
    }

    /// Returns the profile's `aws_access_key_id`/`aws_secret_access_key` pair.
    /// - Throws: `AWSConfigurationError.missingCredentials` naming both files when the profile has no keys.
    public func credentials() async throws -> AWSCredentials {
        guard let found = try resolve() else {
            throw AWSConfigurationError.missingCredentials(triedSources: ["profile \(files.profile) in \(files.credentialsPath) and \(files.configPath)"])
        }
        return found
    }
}
