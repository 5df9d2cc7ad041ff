#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging

/// The default chain, in the order botocore (and so the AWS CLI) looks:
///
/// 1. the environment's keys;
/// 2. the profile's `role_arn` with `source_profile` or `credential_source` (STS AssumeRole);
/// 3. web identity: `AWS_ROLE_ARN` + `AWS_WEB_IDENTITY_TOKEN_FILE`, or the profile's `role_arn` +
///    `web_identity_token_file` (STS AssumeRoleWithWebIdentity);
/// 4. the profile's IAM Identity Center settings (`sso_session`, and the token `aws sso login` cached);
/// 5. the profile's keys in `credentials`;
/// 6. the profile's `credential_process`;
/// 7. the profile's keys in `config`;
/// 8. the container endpoint (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` / `_FULL_URI`);
/// 9. EC2 instance metadata (IMDSv2).
///
/// The first source that is configured decides: it is kept for the process's life, and its
/// temporary credentials are fetched again before they expire.
public actor DefaultCredentialsChain: CredentialsProvider {
    private let sources: [any CredentialSource]
    private var chosen: (any CredentialSource)?
    private let cache: RefreshingCredentials

    /// The standard chain over this environment (the process's by default).
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment, transport: any HTTPTransport = AsyncHTTPClientTransport(),
        logger: Logger = Logger(label: "aws.credentials")
    ) {
        self.init(sources: Self.standardSources(CredentialContext(environment: environment, transport: transport, logger: logger)))
    }

    /// A chain of the given sources, for tests and for callers with their own order.
    public init(sources: [any CredentialSource], refreshWindow: Duration = RefreshingCredentials.defaultWindow) {
        self.sources = sources
        cache = RefreshingCredentials(window: refreshWindow)
    }

    /// The nine sources, in the order above.
    public static func standardSources(_ context: CredentialContext) -> [any CredentialSource] {
        [
            EnvironmentSource(context: context),
            ProfileSource(context: context, stage: .assumeRole),
            // The environment's web identity, then the profile's (its place in ProfileResolver.Stage).
            WebIdentitySource(context: context),
            ProfileSource(context: context, stage: .sso),
            ProfileSource(context: context, stage: .credentialsFileKeys),
            ProfileSource(context: context, stage: .process),
            ProfileSource(context: context, stage: .configFileKeys),
            ContainerSource(context: context),
            InstanceMetadataSource(context: context),
        ]
    }

    /// The name of the source in use, once one has answered.
    public var sourceName: String? { chosen?.name }

    /// Credentials from the source in use, fetched again when they near their expiry; the first
    /// call picks the source, or throws ``AWSConfigurationError`` naming every place it looked.
    public func credentials() async throws -> AWSCredentials {
        try await cache.get { try await self.fetch() }
    }

    private func fetch() async throws -> AWSCredentials {
        if let chosen {
            guard let found = try await chosen.resolve() else {
                throw AWSConfigurationError.credentialSourceFailed(source: chosen.name, problem: "it gave credentials before and now has none")
            }
            return found
        }
        for source in sources {
            if let found = try await source.resolve() {
                chosen = source
                return found
            }
        }
        throw AWSConfigurationError.missingCredentials(triedSources: sources.map(\.name))
    }
}

/// Holds the current credentials and fetches new ones before they expire: within `window` of
/// the expiry, one caller fetches while the others wait for the same answer. When a refresh fails
/// while the old credentials are still valid, the old ones are used and the next call tries again.
public actor RefreshingCredentials {
    /// Five minutes: longer than any one request with its retries, so a signature never carries
    /// credentials that lapse in flight.
    public static let defaultWindow: Duration = .seconds(300)

    /// How long before the expiry new credentials are fetched.
    public let window: Duration
    private var current: AWSCredentials?
    private var inFlight: Task<AWSCredentials, any Error>?

    /// Creates an empty cache; the first ``get(_:)`` fetches.
    public init(window: Duration = RefreshingCredentials.defaultWindow) {
        self.window = window
    }

    /// The current credentials, or `fetch`'s answer when there are none or they are within
    /// ``window`` of expiring.
    public func get(_ fetch: @escaping @Sendable () async throws -> AWSCredentials) async throws -> AWSCredentials {
        let now = Date()
        if let current, !needsRefresh(current, now: now) { return current }
        let task: Task<AWSCredentials, any Error>
        if let inFlight {
            task = inFlight
        } else {
            task = Task { try await fetch() }
            inFlight = task
        }
        do {
            let fresh = try await task.value
            if inFlight == task { inFlight = nil }
            current = fresh
            return fresh
        } catch {
            if inFlight == task { inFlight = nil }
            if let current, let expiration = current.expiration, expiration > Date() { return current }
            throw error
        }
    }

    private func needsRefresh(_ credentials: AWSCredentials, now: Date) -> Bool {
        guard let expiration = credentials.expiration else { return false }
        return expiration.timeIntervalSince(now) <= Double(window.components.seconds)
    }
}
