import Crypto
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import Logging
import ProcessSpawn

/// What every credential source reads from: the environment, the shared files, and the network
/// (for STS, the SSO portal, the container endpoint and IMDS).
public struct CredentialContext: Sendable {
    /// The variables each source reads (`AWS_PROFILE`, `AWS_ROLE_ARN`, `AWS_CONTAINER_…`, endpoints).
    public var environment: [String: String]
    /// `~/.aws/config` and `~/.aws/credentials`, as `environment` locates them.
    public var files: SharedConfigFiles
    /// How STS, the SSO portal, the container endpoint and IMDS are reached.
    public var transport: any HTTPTransport
    /// The retry policy of the STS calls that sources make.
    public var retry: RetryPolicy
    /// The logger handed to the STS clients that sources create.
    public var logger: Logger

    /// Creates a context, locating the shared files from `environment`.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment, transport: any HTTPTransport = AsyncHTTPClientTransport(),
        retry: RetryPolicy = .standard, logger: Logger = Logger(label: "aws.credentials")
    ) {
        self.environment = environment
        files = SharedConfigFiles(environment: environment)
        self.transport = transport
        self.retry = retry
        self.logger = logger
    }

    /// STS is regional; with no region configured, the SDKs' fallback is us-east-1.
    var stsRegion: Region { (try? RegionResolver.resolve(environment: environment)) ?? "us-east-1" }
}

/// One place credentials may come from, in the chain's order.
public protocol CredentialSource: Sendable {
    /// How the chain names it when nothing was found.
    var name: String { get }
    /// Credentials, or nil when this source is not configured here (the chain goes on); throws
    /// when it is configured and fails (the chain stops: a broken profile must not silently fall
    /// through to some other identity).
    func resolve() async throws -> AWSCredentials?
}

/// `AWS_ACCESS_KEY_ID` and friends.
struct EnvironmentSource: CredentialSource {
    let context: CredentialContext
    var name: String { "environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)" }
    func resolve() async throws -> AWSCredentials? {
        try EnvironmentCredentialsProvider(environment: context.environment).resolve()
    }
}

/// The selected profile, resolved as the SDKs do, one stage of it per place in the chain.
struct ProfileSource: CredentialSource {
    enum Stage: Sendable { case assumeRole, sso, credentialsFileKeys, process, configFileKeys }
    let context: CredentialContext
    let stage: Stage

    var profile: String { context.files.profile }
    var name: String {
        switch stage {
        case .assumeRole: "profile \(profile): role_arn with source_profile or credential_source"
        case .sso: "profile \(profile): sso_session"
        case .credentialsFileKeys: "profile \(profile): keys in \(context.files.credentialsPath)"
        case .process: "profile \(profile): credential_process"
        case .configFileKeys: "profile \(profile): keys in \(context.files.configPath)"
        }
    }

    func resolve() async throws -> AWSCredentials? {
        let settings = context.files.settings(forProfile: profile)
        let resolver = ProfileResolver(context: context)
        switch stage {
        case .assumeRole:
            guard settings["role_arn"].nonEmpty != nil, settings["web_identity_token_file"].nonEmpty == nil else { return nil }
            // A role_arn with neither source is a broken profile, reported here rather than
            // passed over for the container or the instance's identity.
            return try await resolver.credentials(profile: profile, visited: [])
        case .sso:
            guard settings["sso_session"].nonEmpty != nil || settings["sso_start_url"].nonEmpty != nil else { return nil }
            return try await SSOSource(context: context).credentials(profile: profile, settings: settings)
        case .credentialsFileKeys:
            return try ProfileCredentialsProvider.staticKeys(in: context.files.settings(forProfile: profile, from: .credentials), profile: profile)
        case .configFileKeys:
            return try ProfileCredentialsProvider.staticKeys(in: context.files.settings(forProfile: profile, from: .config), profile: profile)
        case .process:
            guard let command = settings["credential_process"].nonEmpty else { return nil }
            return try await CredentialProcess(command: command, source: "profile \(profile)").run()
        }
    }
}

/// A profile's credentials by everything it may say, for `source_profile` chains.
struct ProfileResolver: Sendable {
    let context: CredentialContext

    func credentials(profile: String, visited: [String]) async throws -> AWSCredentials {
        let source = "profile \(profile)"
        guard context.files.hasProfile(profile) else {
            throw AWSConfigurationError.credentialSourceFailed(
                source: visited.last.map { "profile \($0)" } ?? source,
                problem: "source_profile '\(profile)' is in neither \(context.files.configPath) nor \(context.files.credentialsPath)")
        }
        let settings = context.files.settings(forProfile: profile)
        // As a source, a profile's own keys come first (botocore's order): a role it also names
        // is not assumed on top, and a chain that comes back to it ends there.
        if !visited.isEmpty, let keys = try ProfileCredentialsProvider.staticKeys(in: settings, profile: profile) { return keys }
        guard !visited.contains(profile) else {
            throw AWSConfigurationError.credentialSourceFailed(
                source: source,
                problem: "source_profile loops back: \((visited + [profile]).joined(separator: " → ")). Break the loop with a profile that has keys.")
        }
        if let roleArn = settings["role_arn"].nonEmpty {
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
                    base = try await credentials(profile: sourceProfile, visited: visited + [profile])
                }
                return try await sts.assumeRole(request, base: base)
            }
            if let named = settings["credential_source"].nonEmpty {
                return try await sts.assumeRole(request, base: try await credentialSource(named, profile: profile))
            }
            if let tokenFile = settings["web_identity_token_file"].nonEmpty {
                return try await WebIdentitySource.assume(request, tokenFile: tokenFile, context: context)
            }
            throw AWSConfigurationError.credentialSourceFailed(
                source: source, problem: "role_arn needs source_profile, credential_source or web_identity_token_file beside it")
        }
        if settings["sso_session"].nonEmpty != nil || settings["sso_start_url"].nonEmpty != nil {
            return try await SSOSource(context: context).credentials(profile: profile, settings: settings)
        }
        if let keys = try ProfileCredentialsProvider.staticKeys(in: settings, profile: profile) { return keys }
        if let command = settings["credential_process"].nonEmpty {
            return try await CredentialProcess(command: command, source: source).run()
        }
        throw AWSConfigurationError.credentialSourceFailed(
            source: source, problem: "it has no keys, role_arn, sso_session or credential_process, so it cannot be a source_profile")
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
        let settings = context.files.profileSettings()
        if let roleArn = settings["role_arn"].nonEmpty, let tokenFile = settings["web_identity_token_file"].nonEmpty {
            let request = STSCredentialCalls.RoleRequest(
                roleArn: roleArn, sessionName: settings["role_session_name"].nonEmpty,
                durationSeconds: settings["duration_seconds"].nonEmpty, source: "profile \(context.files.profile)")
            return try await Self.assume(request, tokenFile: tokenFile, context: context)
        }
        return nil
    }

    static func assume(_ request: STSCredentialCalls.RoleRequest, tokenFile: String, context: CredentialContext) async throws -> AWSCredentials {
        guard let token = try? String(contentsOfFile: tokenFile, encoding: .utf8).trimmingWhitespace, !token.isEmpty else {
            throw AWSConfigurationError.credentialSourceFailed(source: request.source, problem: "the web identity token file \(tokenFile) is missing or empty")
        }
        return try await STSCredentialCalls(context: context).assumeRoleWithWebIdentity(request, token: token)
    }
}

/// IAM Identity Center: the token `aws sso login` cached, exchanged at the SSO portal for the
/// profile's account and role (GetRoleCredentials).
struct SSOSource: Sendable {
    let context: CredentialContext

    func credentials(profile: String, settings: [String: String]) async throws -> AWSCredentials {
        let source = "profile \(profile)"
        func fail(_ problem: String) -> AWSConfigurationError { .credentialSourceFailed(source: source, problem: problem) }
        let regionName: String, cacheKey: String, login: String
        if let sessionName = settings["sso_session"].nonEmpty {
            guard let session = context.files.ssoSession(sessionName) else {
                throw fail("sso_session '\(sessionName)' has no [sso-session \(sessionName)] section in \(context.files.configPath)")
            }
            guard let sessionRegion = session["sso_region"].nonEmpty else { throw fail("[sso-session \(sessionName)] has no sso_region") }
            regionName = sessionRegion
            cacheKey = sessionName
            login = "aws sso login --sso-session \(sessionName)"
        } else {
            guard let startURL = settings["sso_start_url"].nonEmpty, let legacyRegion = settings["sso_region"].nonEmpty else {
                throw fail("sso_start_url needs sso_region beside it")
            }
            regionName = legacyRegion
            cacheKey = startURL
            login = "aws sso login --profile \(profile)"
        }
        let region = try Region(validating: regionName, source: "sso_region of profile \(profile)")
        guard let account = settings["sso_account_id"].nonEmpty, let role = settings["sso_role_name"].nonEmpty else {
            throw fail("an SSO profile needs sso_account_id and sso_role_name")
        }
        // The cache file is named by the SHA-1 of the session name (or, for the older form, the start URL).
        let digest = Insecure.SHA1.hash(data: Data(cacheKey.utf8)).hexString
        let cachePath = "\(context.files.ssoCachePath)/\(digest).json"
        guard let data = FileManager.default.contents(atPath: cachePath), let cached = try? JSONValue(data: data),
            let token = cached["accessToken"]?.stringValue
        else {
            throw fail("no SSO token is cached (\(cachePath)): run `\(login)`")
        }
        if let expires = cached["expiresAt"]?.stringValue.flatMap(AWSTimestamp.parse), expires <= Date() {
            throw fail("the SSO token cached in \(cachePath) expired at \(expires): run `\(login)`")
        }
        let origin =
            try context.environment["AWS_ENDPOINT_URL_SSO"].nonEmpty.map { try ResolvedEndpoint.parse($0, variable: "AWS_ENDPOINT_URL_SSO").origin }
            ?? "https://portal.sso.\(region).\(region.dnsSuffix)"
        let request = HTTPRequest(
            method: .GET, origin: origin, path: "/federation/credentials",
            query: [("account_id", account), ("role_name", role)], headers: [("x-amz-sso_bearer_token", token)])
        let response: HTTPResponse
        do {
            response = try await context.transport.send(request, timeout: .seconds(10))
        } catch {
            throw fail("the SSO portal \(origin) did not answer (\(error))")
        }
        if response.status == 401 || response.status == 403 {
            throw fail("the SSO portal refused the cached token (HTTP \(response.status)): run `\(login)`")
        }
        guard response.status == 200, let body = try? JSONValue(data: response.body), let keys = body["roleCredentials"],
            let keyId = keys["accessKeyId"]?.stringValue, let secret = keys["secretAccessKey"]?.stringValue
        else {
            throw fail("the SSO portal answered HTTP \(response.status) without roleCredentials for account \(account), role \(role)")
        }
        let expiration = keys["expiration"]?.doubleValue.map { Date(timeIntervalSince1970: $0 / 1000) }
        return AWSCredentials(accessKeyId: keyId, secretAccessKey: secret, sessionToken: keys["sessionToken"]?.stringValue, expiration: expiration)
    }
}

/// `credential_process`: a command that prints the credentials as JSON (Version 1).
struct CredentialProcess: Sendable {
    let command: String
    let source: String
    var timeout: Duration = .seconds(60)

    func run() async throws -> AWSCredentials {
        func fail(_ problem: String) -> AWSConfigurationError { .credentialSourceFailed(source: source, problem: "credential_process \(problem)") }
        let (status, output, errors) = try await Self.execute(command, timeout: timeout)
        guard let status else { throw fail("did not finish within \(timeout.components.seconds) s") }
        guard status == 0 else {
            throw fail("exited with status \(status)\(errors.isEmpty ? "" : ": " + String(errors.prefix(500)))")
        }
        guard let document = try? JSONValue(data: output) else { throw fail("printed something that is not JSON") }
        guard document["Version"]?.intValue == 1 else {
            throw fail("printed Version \(document["Version"]?.intValue.map(String.init) ?? "(none)"); only Version 1 is defined")
        }
        guard let keyId = document["AccessKeyId"]?.stringValue, let secret = document["SecretAccessKey"]?.stringValue else {
            throw fail("printed no AccessKeyId and SecretAccessKey")
        }
        return AWSCredentials(
            accessKeyId: keyId, secretAccessKey: secret, sessionToken: document["SessionToken"]?.stringValue,
            expiration: document["Expiration"]?.stringValue.flatMap(AWSTimestamp.parse))
    }

    /// Runs through `/bin/sh -c`, so the setting may quote its arguments as a shell line does.
    /// Returns a nil status when the command outlived the timeout: it is terminated, and the wait
    /// ends then even if a process it started still holds the pipes open.
    static func execute(_ command: String, timeout: Duration) async throws -> (Int32?, Data, String) {
        guard case .finished(let run) = try await ProcessSpawn.Command.shell(command).run(timeout: timeout) else { return (nil, Data(), "") }
        return (run.exit.status, Data(run.output), String(decoding: run.errors, as: UTF8.self))
    }
}

/// The ECS/EKS Pod Identity/Lambda-style container endpoint: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`
/// (on 169.254.170.2) or `AWS_CONTAINER_CREDENTIALS_FULL_URI` (HTTPS, or a loopback or the
/// container hosts over HTTP), with `AWS_CONTAINER_AUTHORIZATION_TOKEN[_FILE]` sent as Authorization.
struct ContainerSource: CredentialSource {
    let context: CredentialContext
    var name: String { "container (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI or _FULL_URI)" }
    static let allowedHTTPHosts: Set<String> = ["169.254.170.2", "169.254.170.23", "[fd00:ec2::23]", "localhost", "[::1]"]

    func resolve() async throws -> AWSCredentials? {
        guard let url = try Self.url(environment: context.environment) else { return nil }
        let source = "the container endpoint \(url.origin)"
        var headers: [(name: String, value: String)] = []
        if let tokenFile = context.environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"].nonEmpty {
            guard let token = try? String(contentsOfFile: tokenFile, encoding: .utf8).trimmingWhitespace else {
                throw AWSConfigurationError.credentialSourceFailed(
                    source: source, problem: "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(tokenFile) cannot be read")
            }
            headers.append(("Authorization", token))
        } else if let token = context.environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"].nonEmpty {
            headers.append(("Authorization", token))
        }
        let response: HTTPResponse
        do {
            response = try await context.transport.send(HTTPRequest(method: .GET, origin: url.origin, path: url.path, headers: headers), timeout: .seconds(5))
        } catch {
            throw AWSConfigurationError.credentialSourceFailed(source: source, problem: "no answer (\(error))")
        }
        return try MetadataCredentials.decode(response, source: source)
    }

    /// `127.x.y.z` as four decimal octets: a name that merely starts with `127.` is not loopback.
    static func isLoopbackIPv4(_ host: String) -> Bool {
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isNumber) && (Int($0) ?? 256) <= 255 }
    }

    /// The endpoint, or nil when neither variable is set; throws for a full URI the SDKs would refuse.
    static func url(environment: [String: String]) throws -> (origin: String, path: String)? {
        if let relative = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"].nonEmpty {
            return ("http://169.254.170.2", relative.hasPrefix("/") ? relative : "/" + relative)
        }
        guard let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"].nonEmpty else { return nil }
        guard let components = URLComponents(string: full), let scheme = components.scheme, let host = components.host else {
            throw AWSConfigurationError.invalidEndpoint(variable: "AWS_CONTAINER_CREDENTIALS_FULL_URI", value: full)
        }
        let bracketed = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        guard scheme == "https" || (scheme == "http" && (isLoopbackIPv4(bracketed) || allowedHTTPHosts.contains(bracketed))) else {
            throw AWSConfigurationError.credentialSourceFailed(
                source: "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                problem: "\(full) is plain HTTP to a host that is neither loopback nor a container credentials host; use HTTPS")
        }
        let origin = "\(scheme)://\(bracketed)" + (components.port.map { ":\($0)" } ?? "")
        let path = components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath
        return (origin, path + (components.percentEncodedQuery.map { "?" + $0 } ?? ""))
    }
}

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

/// The JSON the container endpoint and IMDS answer with.
enum MetadataCredentials {
    static func decode(_ response: HTTPResponse, source: String) throws -> AWSCredentials {
        guard response.status == 200 else {
            throw AWSConfigurationError.credentialSourceFailed(source: source, problem: "HTTP \(response.status)")
        }
        guard let document = try? JSONValue(data: response.body), let keyId = document["AccessKeyId"]?.stringValue,
            let secret = document["SecretAccessKey"]?.stringValue
        else {
            throw AWSConfigurationError.credentialSourceFailed(source: source, problem: "the answer has no AccessKeyId and SecretAccessKey")
        }
        if let code = document["Code"]?.stringValue, code != "Success" {
            throw AWSConfigurationError.credentialSourceFailed(source: source, problem: "the answer's Code is \(code)")
        }
        return AWSCredentials(
            accessKeyId: keyId, secretAccessKey: secret, sessionToken: document["Token"]?.stringValue,
            expiration: document["Expiration"]?.stringValue.flatMap(AWSTimestamp.parse))
    }
}
