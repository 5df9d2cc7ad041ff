#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What distinguishes one AWS service on the wire.
public struct ServiceDescriptor: Sendable {
    /// AWS's service id, e.g. `Cognito Identity Provider`; also names the endpoint variable.
    public var serviceId: String
    /// The SigV4 signing name, e.g. `cognito-idp`.
    public var signingName: String
    /// The host prefix of the default endpoint, e.g. `cognito-idp` in `cognito-idp.eu-west-1.amazonaws.com`.
    public var endpointPrefix: String
    /// How requests to the service are serialized and routed.
    public var wireProtocol: WireProtocol

    /// Creates a descriptor from the values in the service's AWS API model.
    public init(serviceId: String, signingName: String, endpointPrefix: String, wireProtocol: WireProtocol) {
        self.serviceId = serviceId
        self.signingName = signingName
        self.endpointPrefix = endpointPrefix
        self.wireProtocol = wireProtocol
    }

    /// `AWS_ENDPOINT_URL_<SERVICE>`: the service id upper-cased, spaces and dashes as underscores.
    public var endpointVariable: String {
        "AWS_ENDPOINT_URL_" + String(serviceId.uppercased().map { $0 == " " || $0 == "-" ? "_" : $0 })
    }
}

/// The serialization a service speaks.
public enum WireProtocol: Sendable, Equatable {
    /// POST `/` with `X-Amz-Target: <prefix>.<Operation>` and a JSON body (`1.0` or `1.1`).
    case awsJSON(version: String, targetPrefix: String)
    /// POST `/` with a form body `Action=…&Version=…`, XML responses.
    case awsQuery(apiVersion: String)
    /// REST paths with JSON bodies.
    case restJSON
    /// REST paths with XML bodies.
    case restXML
}

/// Where a service's requests go: the AWS default for the region's partition unless
/// `AWS_ENDPOINT_URL_<SERVICE>` or `AWS_ENDPOINT_URL` says otherwise (the AWS SDKs' convention).
public struct ResolvedEndpoint: Sendable, Equatable {
    /// `scheme://host[:port]`, no trailing slash.
    public var origin: String
    /// A base path of a custom endpoint (usually empty).
    public var basePath: String
    /// True when the endpoint came from configuration: S3 then uses path-style addressing.
    public var isCustom: Bool

    /// Creates an endpoint; `origin` must already be `scheme://host[:port]` without a trailing slash.
    public init(origin: String, basePath: String = "", isCustom: Bool) {
        self.origin = origin
        self.basePath = basePath
        self.isCustom = isCustom
    }

    /// The origin without its scheme (`host[:port]`), as sent and signed in the `Host` header.
    public var host: String {
        var rest = origin
        if let schemeEnd = rest.firstRange(of: "://") { rest = String(rest[schemeEnd.upperBound...]) }
        return rest
    }

    /// Picks the endpoint for `service` in `region`: `AWS_ENDPOINT_URL_<SERVICE>`, then `AWS_ENDPOINT_URL`,
    /// then the AWS default `https://<prefix>.<region>.<dns suffix>`.
    /// - Throws: `AWSConfigurationError.invalidEndpoint` when a set variable is not an http(s) URL with a host.
    public static func resolve(service: ServiceDescriptor, region: Region, environment: [String: String]) throws -> ResolvedEndpoint {
        for variable in [service.endpointVariable, "AWS_ENDPOINT_URL"] {
            if let value = environment[variable].nonEmpty {
                return try parse(value, variable: variable)
            }
        }
        return ResolvedEndpoint(origin: "https://\(service.endpointPrefix).\(region).\(region.dnsSuffix)", isCustom: false)
    }

    /// Parses a configured endpoint URL into a custom endpoint; its path, trailing slashes dropped, is the base path.
    /// - Parameter variable: The setting `value` came from, named in the error.
    /// - Throws: `AWSConfigurationError.invalidEndpoint` unless `value` is an http(s) URL with a host.
    public static func parse(_ value: String, variable: String) throws -> ResolvedEndpoint {
        guard let components = URLComponents(string: value), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { throw AWSConfigurationError.invalidEndpoint(variable: variable, value: value) }
        let port = components.port.map { ":\($0)" } ?? ""
        let hostPart = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        var path = components.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        return ResolvedEndpoint(origin: "\(scheme)://\(hostPart)\(port)", basePath: path, isCustom: true)
    }
}

/// The region: `AWS_REGION`, then `AWS_DEFAULT_REGION`, then the profile's `region`.
public enum RegionResolver {
    /// Returns the first non-empty region from the environment or the shared config profile.
    /// - Throws: `AWSConfigurationError.missingRegion` when none of them sets one, and
    ///   `AWSConfigurationError.invalidRegion` naming the setting when the first one set is not a region name.
    public static func resolve(environment: [String: String] = ProcessInfo.processInfo.environment) throws(AWSConfigurationError) -> Region {
        for variable in ["AWS_REGION", "AWS_DEFAULT_REGION"] {
            if let name = environment[variable].nonEmpty { return try Region(validating: name, source: variable) }
        }
        let files = SharedConfigFiles(environment: environment)
        if let name = files.profileSettings()["region"].nonEmpty {
            return try Region(validating: name, source: "region in \(files.configPath)")
        }
        throw .missingRegion
    }
}
