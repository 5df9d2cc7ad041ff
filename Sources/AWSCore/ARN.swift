/// An Amazon Resource Name, parsed once: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`.
/// The resource keeps its own separators (`function:NAME`, `layer:NAME:VERSION`, `key/ID`).
public struct ARN: Sendable, Hashable, CustomStringConvertible {
    /// The partition, e.g. `aws` or `aws-cn`.
    public var partition: String
    /// The service namespace, e.g. `lambda` or `kms`.
    public var service: String
    /// Empty for global resources (IAM, S3 buckets).
    public var region: String
    /// Empty for resources without an account in their name (S3 buckets).
    public var account: String
    /// Everything after the account field, its `:` and `/` separators kept.
    public var resource: String

    /// Nil for text that is not `arn:` and five more fields with a non-empty partition, service and resource.
    public init?(_ text: String) {
        let fields = text.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 6, fields[0] == "arn", !fields[1].isEmpty, !fields[2].isEmpty, !fields[5].isEmpty else { return nil }
        (partition, service, region, account, resource) = (fields[1], fields[2], fields[3], fields[4], fields[5])
    }

    /// The resource's parts split at `:` (`["function", "NAME"]`, `["layer", "NAME", "3"]`).
    public var resourceParts: [String] { resource.split(separator: ":", omittingEmptySubsequences: false).map(String.init) }

    /// The ARN as text again: `arn` and the five fields joined by `:`.
    public var description: String { "arn:\(partition):\(service):\(region):\(account):\(resource)" }
}

extension ARN {
    /// A Lambda function's name, from its ARN (a qualifier after the name is dropped).
    public var lambdaFunctionName: String? {
        let parts = resourceParts
        guard service == "lambda", parts.count >= 2, parts[0] == "function" else { return nil }
        return parts[1]
    }

    /// A Lambda layer version's name and version number.
    public var lambdaLayerVersion: (name: String, version: Int)? {
        let parts = resourceParts
        guard service == "lambda", parts.count == 3, parts[0] == "layer", let version = Int(parts[2]) else { return nil }
        return (parts[1], version)
    }
}
