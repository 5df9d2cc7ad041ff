import Crypto
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

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
