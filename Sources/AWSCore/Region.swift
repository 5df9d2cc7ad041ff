/// An AWS region such as `eu-west-1`: the name requests are signed for, and the partition and DNS
/// suffix its default endpoints and ARNs use.
///
/// Made from configuration with ``init(validating:source:)``, which names the setting a malformed
/// value came from; a literal in code (`"us-east-1"`) is taken as written.
public struct Region: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    /// The region's name, e.g. `us-east-1`.
    public var rawValue: String

    /// Takes `rawValue` as it is; use ``init(validating:source:)`` for a value a person typed.
    public init(rawValue: String) { self.rawValue = rawValue }

    /// A region written in code.
    public init(stringLiteral value: String) { self.init(rawValue: value) }

    /// A region from configuration: lower-case letters, digits and hyphens, starting with a letter
    /// and not ending with a hyphen (`eu-west-1`, `us-gov-west-1`, `local`).
    /// - Parameter source: The setting `name` came from, named in the error (e.g. `AWS_REGION`).
    /// - Throws: `AWSConfigurationError.invalidRegion` for anything else (`US-EAST-1`, `us east 1`, `eu-west-1 `).
    public init(validating name: String, source: String) throws(AWSConfigurationError) {
        let allowed = name.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
        guard allowed, let first = name.utf8.first, first >= 0x61, first <= 0x7A, name.utf8.last != 0x2D else {
            throw .invalidRegion(source: source, value: name)
        }
        self.init(rawValue: name)
    }

    /// The region's name.
    public var description: String { rawValue }

    /// The ARN partition the region belongs to: `aws`, `aws-cn`, `aws-us-gov`, `aws-iso`, `aws-iso-b`.
    public var partition: String {
        if rawValue.hasPrefix("cn-") { return "aws-cn" }
        if rawValue.hasPrefix("us-gov-") { return "aws-us-gov" }
        if rawValue.hasPrefix("us-isob-") { return "aws-iso-b" }
        if rawValue.hasPrefix("us-iso-") { return "aws-iso" }
        return "aws"
    }

    /// The DNS suffix of the partition's default endpoints, e.g. `amazonaws.com` or `amazonaws.com.cn`.
    public var dnsSuffix: String {
        if rawValue.hasPrefix("cn-") { return "amazonaws.com.cn" }
        if rawValue.hasPrefix("us-isob-") { return "sc2s.sgov.gov" }
        if rawValue.hasPrefix("us-iso-") { return "c2s.ic.gov" }
        if rawValue.hasPrefix("eu-isoe-") { return "cloud.adc-e.uk" }
        if rawValue.hasPrefix("us-isof-") { return "csp.hci.ic.gov" }
        return "amazonaws.com"
    }

    /// Decodes the name as a plain string (`"eu-west-1"`), as it is written in JSON and in the journal.
    public init(from decoder: any Decoder) throws {
        self.init(rawValue: try decoder.singleValueContainer().decode(String.self))
    }

    /// Encodes the name as a plain string.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
