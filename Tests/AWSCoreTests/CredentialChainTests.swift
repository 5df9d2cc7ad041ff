import AWSCore
import Crypto
import Foundation
import Testing
import TestSupport

/// The default chain, source by source: STS calls go to moto; IMDS, the container endpoint and
/// the SSO portal, which moto lacks, are loopback stand-ins speaking their documented protocols.
@Suite(.needsMoto)
struct CredentialChainTests {
    /// A home of its own with `~/.aws/config` and `~/.aws/credentials`, and an environment that
    /// points the chain at it and at moto (IMDS off unless a test turns it on).
    struct Home {
        let path: String
        var environment: [String: String]

        init(config: String = "", credentials: String = "", environment extra: [String: String] = [:]) throws {
            path = NSTemporaryDirectory() + "credential-chain-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: path + "/.aws/sso/cache", withIntermediateDirectories: true)
            try config.write(toFile: path + "/.aws/config", atomically: true, encoding: .utf8)
            try credentials.write(toFile: path + "/.aws/credentials", atomically: true, encoding: .utf8)
            environment = [
                "HOME": path, "AWS_CONFIG_FILE": path + "/.aws/config", "AWS_SHARED_CREDENTIALS_FILE": path + "/.aws/credentials",
                "AWS_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true", "AWS_ENDPOINT_URL": try Moto.endpoint(),
            ]
            environment.merge(extra) { $1 }
        }

        func write(_ text: String, to name: String) throws -> String {
            let file = path + "/" + name
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            return file
        }

        func chain(_ overrides: [String: String] = [:]) -> DefaultCredentialsChain {
            DefaultCredentialsChain(environment: environment.merging(overrides) { $1 })
        }
    }

    static let sts = ServiceDescriptor(serviceId: "STS", signingName: "sts", endpointPrefix: "sts", wireProtocol: .awsQuery(apiVersion: "2011-06-15"))

    /// Who moto says signed a GetCallerIdentity made with these credentials.
    static func caller(signedWith credentials: AWSCredentials) async throws -> String {
        let client = try AWSServiceClient(service: sts, configuration: Moto.configuration(credentials: credentials))
        return try #require(try await client.query("GetCallerIdentity", []).childText("Arn"))
    }

    static func iso8601(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    // MARK: STS on moto

    @Test func aProfileRoleIsAssumedWithItsSourceProfileAndSignsAsTheRole() async throws {
        let home = try Home(
            config: """
                [profile dev]
                role_arn = arn:aws:iam::123456789012:role/dev-role
                source_profile = base
                role_session_name = chain-test
                [profile ci]
                role_arn = arn:aws:iam::123456789012:role/ci-role
                source_profile = dev
                role_session_name = chained
                """, credentials: "[base]\naws_access_key_id = AKIABASE\naws_secret_access_key = base-secret\n")
        let dev = try await home.chain(["AWS_PROFILE": "dev"]).credentials()
        #expect(dev.accessKeyId != "AKIABASE")
        #expect(dev.sessionToken != nil)
        #expect(dev.expiration.map { $0 > Date() } == true)
        #expect(try await Self.caller(signedWith: dev) == "arn:aws:sts::123456789012:assumed-role/dev-role/chain-test")
        // A role whose source is itself a role profile: two AssumeRole calls, the second signed by the first's answer.
        let ci = try await home.chain(["AWS_PROFILE": "ci"]).credentials()
        #expect(try await Self.caller(signedWith: ci) == "arn:aws:sts::123456789012:assumed-role/ci-role/chained")
    }

    @Test func webIdentityFromTheEnvironmentAssumesTheRoleWithTheTokenFile() async throws {
        var home = try Home(credentials: "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = file-secret\n")
        let tokenFile = try home.write("eyJhbGciOiJSUzI1NiJ9.ci-oidc-token.sig\n", to: "token")
        home.environment.merge([
            "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/oidc-role", "AWS_WEB_IDENTITY_TOKEN_FILE": tokenFile,
            "AWS_ROLE_SESSION_NAME": "github-run",
        ]) { $1 }
        let chain = home.chain()
        let credentials = try await chain.credentials()
        // Web identity comes before the profile's keys, as in botocore.
        #expect(credentials.accessKeyId != "AKIAFILE")
        #expect(await chain.sourceName?.hasPrefix("web identity") == true)
        #expect(try await Self.caller(signedWith: credentials) == "arn:aws:sts::123456789012:assumed-role/oidc-role/github-run")
    }

    /// A profile is read in one order whether it is the one selected or another's source_profile:
    /// a role_arn with web_identity_token_file is assumed with the token, and a source_profile
    /// beside it is not read (botocore's order; here it names no profile at all).
    @Test func aProfileIsResolvedInOneOrderSelectedOrAsASourceProfile() async throws {
        let home = try Home()
        let tokenFile = try home.write("eyJhbGciOiJSUzI1NiJ9.pod-token.sig\n", to: "token")
        _ = try home.write(
            """
            [profile oidc]
            role_arn = arn:aws:iam::123456789012:role/oidc-role
            web_identity_token_file = \(tokenFile)
            source_profile = nowhere
            role_session_name = from-token
            [profile app]
            role_arn = arn:aws:iam::123456789012:role/app-role
            source_profile = oidc
            role_session_name = on-top
            """, to: ".aws/config")
        let selected = home.chain(["AWS_PROFILE": "oidc"])
        #expect(try await Self.caller(signedWith: try await selected.credentials()) == "arn:aws:sts::123456789012:assumed-role/oidc-role/from-token")
        #expect(await selected.sourceName?.hasPrefix("web identity") == true)
        let onTop = try await home.chain(["AWS_PROFILE": "app"]).credentials()
        #expect(try await Self.caller(signedWith: onTop) == "arn:aws:sts::123456789012:assumed-role/app-role/on-top")
    }

    @Test func aRoleProfileWithCredentialSourceEcsContainerAssumesWithTheContainersCredentials() async throws {
        let endpoint = try await LoopbackHTTPStandIn { _ in
            .json([
                "AccessKeyId": "ASIATASK", "SecretAccessKey": "task-secret", "Token": "task-session",
                "Expiration": .string(CredentialChainTests.iso8601(Date().addingTimeInterval(3600))),
            ])
        }
        defer { Task { try await endpoint.shutdown() } }
        let home = try Home(
            config: "[profile deploy]\nrole_arn = arn:aws:iam::123456789012:role/deployer\ncredential_source = EcsContainer\nrole_session_name = from-task\n",
            environment: ["AWS_PROFILE": "deploy", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "PLACEHOLDER"])
        let chain = home.chain(["AWS_CONTAINER_CREDENTIALS_FULL_URI": endpoint.url + "/creds"])
        let credentials = try await chain.credentials()
        #expect(endpoint.requests.count == 1, "the role's base credentials came from the container endpoint")
        #expect(credentials.accessKeyId != "ASIATASK")
        #expect(try await Self.caller(signedWith: credentials) == "arn:aws:sts::123456789012:assumed-role/deployer/from-task")
        #expect(await chain.sourceName?.contains("role_arn") == true, "the profile's role comes before the container itself")
    }

    // MARK: Profile errors, found before any request

    @Test func aBrokenRoleProfileSaysWhatIsWrongInsteadOfFallingThrough() async throws {
        let home = try Home(
            config: """
                [profile loop-a]
                role_arn = arn:aws:iam::123456789012:role/a
                source_profile = loop-b
                [profile loop-b]
                role_arn = arn:aws:iam::123456789012:role/b
                source_profile = loop-a
                [profile orphan]
                role_arn = arn:aws:iam::123456789012:role/o
                source_profile = nowhere
                [profile mfa]
                role_arn = arn:aws:iam::123456789012:role/m
                source_profile = keys
                mfa_serial = arn:aws:iam::123456789012:mfa/me
                [profile keys]
                aws_access_key_id = AKIAKEYS
                aws_secret_access_key = keys-secret
                [profile bad-source]
                role_arn = arn:aws:iam::123456789012:role/x
                credential_source = Laptop
                [profile role-only]
                role_arn = arn:aws:iam::123456789012:role/r
                """, credentials: "[default]\naws_access_key_id = AKIADEFAULT\naws_secret_access_key = default-secret\n")
        let cases = [
            ("loop-a", "loops back: loop-a → loop-b → loop-a"), ("orphan", "source_profile 'nowhere' is in neither"),
            ("mfa", "mfa_serial needs an MFA code"), ("bad-source", "credential_source 'Laptop' is not one of"),
            ("role-only", "role_arn needs source_profile, credential_source or web_identity_token_file"),
        ]
        for (profile, expected) in cases {
            let error = await #expect(throws: AWSConfigurationError.self) { try await home.chain(["AWS_PROFILE": profile]).credentials() }
            let text = error.map { "\($0)" } ?? ""
            #expect(text.contains(expected), "\(profile): \(text)")
            #expect(!text.contains("default-secret") && !text.contains("keys-secret"))
        }
    }

    /// A source profile's own keys come before a role it also names, as in botocore: the role
    /// is assumed once, signed by those keys, and a chain that returns to a profile with keys ends there.
    @Test func aSourceProfileWithKeysIsUsedForItsKeys() async throws {
        let home = try Home(
            config: """
                [profile app]
                role_arn = arn:aws:iam::123456789012:role/app-role
                source_profile = base
                role_session_name = app
                [profile base]
                role_arn = arn:aws:iam::123456789012:role/never-assumed
                source_profile = app
                """, credentials: "[base]\naws_access_key_id = AKIABASEKEYS\naws_secret_access_key = base-secret\n")
        let credentials = try await home.chain(["AWS_PROFILE": "app"]).credentials()
        #expect(try await Self.caller(signedWith: credentials) == "arn:aws:sts::123456789012:assumed-role/app-role/app")
    }

    /// Keys in `config` come after credential_process (botocore's order); keys in `credentials` before it.
    @Test func configFileKeysComeAfterTheProcessAndCredentialsFileKeysBefore() async throws {
        let home = try Home(
            config: """
                [default]
                credential_process = printf '{"Version": 1, "AccessKeyId": "AKIAFROMPROCESS", "SecretAccessKey": "process-secret"}'
                aws_access_key_id = AKIAFROMCONFIG
                aws_secret_access_key = config-secret
                """)
        #expect(try await home.chain().credentials().accessKeyId == "AKIAFROMPROCESS")
        try "[default]\naws_access_key_id = AKIAFROMCREDENTIALS\naws_secret_access_key = credentials-secret\n".write(
            toFile: home.path + "/.aws/credentials", atomically: true, encoding: .utf8)
        #expect(try await home.chain().credentials().accessKeyId == "AKIAFROMCREDENTIALS")
    }

    @Test func noSourceAtAllNamesEveryPlaceItLooked() async throws {
        let home = try Home()
        let error = await #expect(throws: AWSConfigurationError.self) { try await home.chain().credentials() }
        guard case let .missingCredentials(tried)? = error else { Issue.record("\(String(describing: error))"); return }
        #expect(tried.count == 9)
        #expect(tried.first?.hasPrefix("environment") == true)
        #expect(tried.last?.hasPrefix("EC2 instance metadata") == true)
    }

    // MARK: credential_process

    @Test func credentialProcessRunsAgainOnlyWhenItsCredentialsNearExpiry() async throws {
        let home = try Home()
        let counter = home.path + "/runs"
        func script(expiresIn seconds: TimeInterval) throws -> String {
            let expiration = Self.iso8601(Date().addingTimeInterval(seconds))
            return try home.write(
                """
                #!/bin/sh
                echo run >> '\(counter)'
                printf '{"Version": 1, "AccessKeyId": "AKIAPROCESS", "SecretAccessKey": "process-secret", "SessionToken": "process-token", "Expiration": "\(expiration)"}'
                """, to: "process-\(Int(seconds)).sh")
        }
        func runs() -> Int { ((try? String(contentsOfFile: counter, encoding: .utf8)) ?? "").split(separator: "\n").count }

        let soon = try script(expiresIn: 60)
        try "[default]\ncredential_process = sh '\(soon)' --ignored-argument\n".write(toFile: home.path + "/.aws/config", atomically: true, encoding: .utf8)
        let refreshing = home.chain()
        let first = try await refreshing.credentials()
        #expect(
            first == AWSCredentials(accessKeyId: "AKIAPROCESS", secretAccessKey: "process-secret", sessionToken: "process-token", expiration: first.expiration))
        _ = try await refreshing.credentials()
        #expect(runs() == 2, "a minute from expiry is inside the five-minute window: fetched again")

        let later = try script(expiresIn: 3600)
        try "[default]\ncredential_process = sh '\(later)'\n".write(toFile: home.path + "/.aws/config", atomically: true, encoding: .utf8)
        let cached = home.chain()
        for _ in 0..<3 { _ = try await cached.credentials() }
        #expect(runs() == 3, "an hour from expiry: fetched once")
    }

    @Test func aFailingCredentialProcessSaysHowItFailed() async throws {
        let home = try Home()
        let cases = [
            ("echo 'token expired, run vault login' >&2; exit 3", "exited with status 3: token expired, run vault login"),
            (#"printf '{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "S"}'"#, "Version 2"),
            ("echo not-json", "not JSON"),
        ]
        for (command, expected) in cases {
            try "[default]\ncredential_process = \(command)\n".write(toFile: home.path + "/.aws/config", atomically: true, encoding: .utf8)
            let error = await #expect(throws: AWSConfigurationError.self) { try await home.chain().credentials() }
            #expect("\(error.map { "\($0)" } ?? "")".contains(expected))
        }
    }

    // MARK: IAM Identity Center (stand-in portal)

    @Test func anSSOProfileExchangesTheCachedTokenAtThePortal() async throws {
        let expiresMillis = (Date().addingTimeInterval(3600).timeIntervalSince1970 * 1000).rounded()
        let portal = try await LoopbackHTTPStandIn { request in
            // GetRoleCredentials: GET /federation/credentials, the token in x-amz-sso_bearer_token.
            guard request.method == "GET", request.path == "/federation/credentials" else { return .text("not found", status: 404) }
            guard request.header("x-amz-sso_bearer_token") == "cached-sso-token" else {
                return .json(["message": "Session token not found or invalid"], status: 401)
            }
            return .json([
                "roleCredentials": [
                    "accessKeyId": "ASIASSO", "secretAccessKey": "sso-secret", "sessionToken": "sso-session",
                    "expiration": .double(expiresMillis),
                ]
            ])
        }
        defer { Task { try await portal.shutdown() } }
        var home = try Home(
            config: """
                [profile dev]
                sso_session = my-sso
                sso_account_id = 111122223333
                sso_role_name = Developer
                [sso-session my-sso]
                sso_region = eu-west-1
                sso_start_url = https://example.awsapps.com/start
                """, environment: ["AWS_PROFILE": "dev"])
        home.environment["AWS_ENDPOINT_URL_SSO"] = portal.url
        let cacheName = Insecure.SHA1.hash(data: Data("my-sso".utf8)).hexString
        let cacheFile = "\(home.path)/.aws/sso/cache/\(cacheName).json"
        let expired = Self.iso8601(Date().addingTimeInterval(-60))
        try #"{"accessToken": "cached-sso-token", "expiresAt": "\#(expired)", "region": "eu-west-1"}"#.write(
            toFile: cacheFile, atomically: true, encoding: .utf8)
        let stale = await #expect(throws: AWSConfigurationError.self) { try await home.chain().credentials() }
        #expect("\(stale.map { "\($0)" } ?? "")".contains("run `aws sso login --sso-session my-sso`"))
        #expect(portal.requests.isEmpty, "an expired token is not sent")

        let valid = Self.iso8601(Date().addingTimeInterval(3600))
        try #"{"accessToken": "cached-sso-token", "expiresAt": "\#(valid)", "region": "eu-west-1"}"#.write(toFile: cacheFile, atomically: true, encoding: .utf8)
        let credentials = try await home.chain().credentials()
        #expect(credentials.accessKeyId == "ASIASSO" && credentials.sessionToken == "sso-session")
        #expect(credentials.expiration == Date(timeIntervalSince1970: expiresMillis / 1000))
        let sent = try #require(portal.requests.last)
        #expect(sent.query == ["account_id": "111122223333", "role_name": "Developer"])

        try #"{"accessToken": "revoked-token", "expiresAt": "\#(valid)"}"#.write(toFile: cacheFile, atomically: true, encoding: .utf8)
        let refused = await #expect(throws: AWSConfigurationError.self) { try await home.chain().credentials() }
        #expect("\(refused.map { "\($0)" } ?? "")".contains("refused the cached token (HTTP 401)"))
    }

    // MARK: Container endpoint and IMDS (stand-ins)

    @Test func theContainerEndpointIsAskedWithItsTokenAndAgainBeforeExpiry() async throws {
        let expiresIn = StandInClock(seconds: 120)
        let endpoint = try await LoopbackHTTPStandIn { request in
            guard request.header("Authorization") == "container-token-from-file" else { return .text("unauthorized", status: 401) }
            return .json([
                "AccessKeyId": "ASIACONTAINER", "SecretAccessKey": "container-secret", "Token": "container-session",
                "Expiration": .string(CredentialChainTests.iso8601(Date().addingTimeInterval(expiresIn.value))),
            ])
        }
        defer { Task { try await endpoint.shutdown() } }
        let home = try Home(credentials: "[other]\naws_access_key_id = AKIAOTHER\naws_secret_access_key = other-secret\n")
        let tokenFile = try home.write("container-token-from-file\n", to: "container-token")
        let chain = home.chain([
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": endpoint.url + "/v2/credentials/abc", "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": tokenFile,
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "ignored-when-the-file-is-set",
        ])
        let first = try await chain.credentials()
        #expect(first.accessKeyId == "ASIACONTAINER" && first.sessionToken == "container-session")
        #expect(endpoint.requests.first?.target == "/v2/credentials/abc")
        _ = try await chain.credentials()
        #expect(endpoint.requests.count == 2, "two minutes from expiry: fetched again")
        expiresIn.value = 3600
        _ = try await chain.credentials()
        _ = try await chain.credentials()
        #expect(endpoint.requests.count == 3, "an hour from expiry: kept")
    }

    @Test func aFullURIOverPlainHTTPToAnotherHostIsRefused() async throws {
        let home = try Home()
        let error = await #expect(throws: AWSConfigurationError.self) {
            try await home.chain(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://credentials.example.com/creds"]).credentials()
        }
        #expect("\(error.map { "\($0)" } ?? "")".contains("use HTTPS"))
        // A name that only starts like a loopback address is not one.
        await #expect(throws: AWSConfigurationError.self) {
            try await home.chain(["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.attacker.example/creds"]).credentials()
        }
    }

    @Test func instanceMetadataIsReadWithAnIMDSv2SessionToken() async throws {
        let imds = try await LoopbackHTTPStandIn { request in
            if request.method == "PUT", request.path == "/latest/api/token" {
                guard request.header("X-aws-ec2-metadata-token-ttl-seconds") != nil else { return .text("", status: 400) }
                return .text("imds-session-token")
            }
            // IMDSv2 only: a GET without the session token is refused, as an instance with
            // HttpTokens=required refuses it.
            guard request.header("X-aws-ec2-metadata-token") == "imds-session-token" else { return .text("", status: 401) }
            switch request.path {
            case "/latest/meta-data/iam/security-credentials/": return .text("instance-role")
            case "/latest/meta-data/iam/security-credentials/instance-role":
                return .json([
                    "Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIAINSTANCE", "SecretAccessKey": "instance-secret",
                    "Token": "instance-session", "Expiration": .string(CredentialChainTests.iso8601(Date().addingTimeInterval(21600))),
                ])
            default: return .text("", status: 404)
            }
        }
        defer { Task { try await imds.shutdown() } }
        let home = try Home()
        let chain = home.chain(["AWS_EC2_METADATA_DISABLED": "", "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.url])
        let credentials = try await chain.credentials()
        #expect(credentials.accessKeyId == "ASIAINSTANCE" && credentials.sessionToken == "instance-session")
        #expect(
            imds.requests.map { "\($0.method) \($0.path)" } == [
                "PUT /latest/api/token", "GET /latest/meta-data/iam/security-credentials/", "GET /latest/meta-data/iam/security-credentials/instance-role",
            ])
        // Profile keys come before IMDS: with them present, the instance is not asked.
        try "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = file-secret\n".write(
            toFile: home.path + "/.aws/credentials", atomically: true, encoding: .utf8)
        #expect(try await home.chain(["AWS_EC2_METADATA_DISABLED": "", "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.url]).credentials().accessKeyId == "AKIAFILE")
        #expect(imds.requests.count == 3)
    }

    // MARK: Refresh decisions

    @Test func aFailedRefreshKeepsCredentialsThatHaveNotExpiredAndOneFetchServesConcurrentCallers() async throws {
        let cache = RefreshingCredentials(window: .seconds(300))
        let fetches = StandInClock(seconds: 0)
        let nearExpiry = AWSCredentials(accessKeyId: "OLD", secretAccessKey: "s", expiration: Date().addingTimeInterval(60))
        #expect(try await cache.get { nearExpiry }.accessKeyId == "OLD")
        struct Down: Error {}
        #expect(try await cache.get { throw Down() }.accessKeyId == "OLD", "still valid for a minute: used while the source is down")
        let fresh = AWSCredentials(accessKeyId: "NEW", secretAccessKey: "s", expiration: Date().addingTimeInterval(3600))
        let results = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<10 {
                group.addTask {
                    try await cache.get {
                        fetches.value += 1
                        try await Task.sleep(for: .milliseconds(100))
                        return fresh
                    }.accessKeyId
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == Array(repeating: "NEW", count: 10))
        #expect(fetches.value == 1)

        let expired = RefreshingCredentials(window: .seconds(300))
        _ = try await expired.get { AWSCredentials(accessKeyId: "GONE", secretAccessKey: "s", expiration: Date().addingTimeInterval(-1)) }
        await #expect(throws: Down.self) { try await expired.get { throw Down() } }
    }
}

/// A number a stand-in's handler reads while the test changes it.
final class StandInClock: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: TimeInterval
    init(seconds: TimeInterval) { stored = seconds }
    var value: TimeInterval {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
}
