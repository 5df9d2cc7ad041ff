#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

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
