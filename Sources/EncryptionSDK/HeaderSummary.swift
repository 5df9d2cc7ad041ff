#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// A printable description of a message header, for `smsredirect decrypt --show-header`.
/// It needs no key: nothing in it is secret (the EDK ciphertexts are only counted). Note that
/// a header shown this way is *unauthenticated*: it has not been checked against any key.
/// JSON field names follow `vectors/cognito/expected-headers.json`.
public struct HeaderSummary: Codable, Sendable, Equatable {
    /// One encrypted data key, without its ciphertext.
    public struct EDK: Codable, Sendable, Equatable {
        /// The key provider ID (`provider_id`), e.g. `aws-kms`.
        public var providerID: String
        /// The provider info as text when it is printable UTF-8 (KMS ARNs, RSA key names).
        public var providerInfo: String?
        /// The provider info as lowercase hex (`provider_info_hex`), always present.
        public var providerInfoHex: String
        /// The wrapped data key's length in bytes (`ciphertext_len`); the bytes themselves are not shown.
        public var ciphertextLength: Int

        enum CodingKeys: String, CodingKey {
            case providerID = "provider_id", providerInfo = "provider_info"
            case providerInfoHex = "provider_info_hex", ciphertextLength = "ciphertext_len"
        }
    }

    /// The message format version, 1 or 2 (`message_format_version`).
    public var messageFormatVersion: Int
    /// The suite ID as `0x` and four hex digits, e.g. `0x0378` (`algorithm_suite_id`).
    public var algorithmSuiteID: String
    /// The suite's spec name (`algorithm_suite_name`).
    public var algorithmSuiteName: String
    /// The Message ID as lowercase hex: 16 bytes in v1, 32 in v2 (`message_id_hex`).
    public var messageIDHex: String
    /// The encryption context stored in the header (`encryption_context`).
    public var encryptionContext: [String: String]
    /// The EDKs in header order (`encrypted_data_keys`).
    public var encryptedDataKeys: [EDK]
    /// `framed` or `non-framed` (`content_type`).
    public var contentType: String
    /// The frame length in bytes; 0 for non-framed content (`frame_length`).
    public var frameLength: Int
    /// Bytes of the header body, the header-authentication AAD (`header_body_len`).
    public var headerBodyLength: Int
    /// Bytes of the whole header including the IV and tag (`header_len_incl_auth`).
    public var headerLength: Int
    /// The v1 header-authentication IV as hex; `nil` in v2 (`header_iv_hex`).
    public var headerIVHex: String?
    /// The header authentication tag as hex (`header_auth_tag_hex`).
    public var headerAuthTagHex: String
    /// The v2 commit key (algorithm suite data) as hex; `nil` in v1 (`suite_data_commitment_hex`).
    public var commitKeyHex: String?

    enum CodingKeys: String, CodingKey {
        case messageFormatVersion = "message_format_version", algorithmSuiteID = "algorithm_suite_id"
        case algorithmSuiteName = "algorithm_suite_name", messageIDHex = "message_id_hex"
        case encryptionContext = "encryption_context", encryptedDataKeys = "encrypted_data_keys"
        case contentType = "content_type", frameLength = "frame_length", headerBodyLength = "header_body_len"
        case headerLength = "header_len_incl_auth", headerIVHex = "header_iv_hex"
        case headerAuthTagHex = "header_auth_tag_hex", commitKeyHex = "suite_data_commitment_hex"
    }

    /// Summarizes a parsed (not yet authenticated) header; provider info that is not printable shows as hex only.
    public init(_ h: MessageHeader) {
        messageFormatVersion = Int(h.version)
        algorithmSuiteID = "0x" + hex16(h.suite.id)
        algorithmSuiteName = h.suite.name
        messageIDHex = hexString(h.messageID)
        encryptionContext = h.encryptionContext
        encryptedDataKeys = h.encryptedDataKeys.map { edk in
            let text = String(data: edk.providerInfo, encoding: .utf8)
            let printable = text.map { !$0.unicodeScalars.contains { $0.properties.generalCategory == .control } } ?? false
            return EDK(
                providerID: edk.providerID, providerInfo: printable ? text : nil,
                providerInfoHex: hexString(edk.providerInfo), ciphertextLength: edk.ciphertext.count)
        }
        contentType = h.contentType.name
        frameLength = Int(h.frameLength)
        headerBodyLength = h.headerBodyLength
        headerLength = h.headerLength
        headerIVHex = h.headerIV.map(hexString)
        headerAuthTagHex = hexString(h.authTag)
        commitKeyHex = h.suiteData.map(hexString)
    }

    /// Pretty-printed JSON with sorted keys.
    public func renderJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Human-readable text, one field per line.
    public func renderText() -> String {
        var lines = [
            "message format version: \(messageFormatVersion)",
            "algorithm suite: \(algorithmSuiteID) \(algorithmSuiteName)",
            "message id: \(messageIDHex)",
            "encryption context:\(encryptionContext.isEmpty ? " (empty)" : "")",
        ]
        for key in encryptionContext.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            lines.append("  \(key): \(encryptionContext[key]!)")
        }
        lines.append("encrypted data keys: \(encryptedDataKeys.count)")
        for (i, edk) in encryptedDataKeys.enumerated() {
            lines.append("  [\(i)] provider id: \(edk.providerID)")
            lines.append("      provider info: \(edk.providerInfo ?? "hex:" + edk.providerInfoHex)")
            lines.append("      ciphertext: \(edk.ciphertextLength) bytes")
        }
        lines.append("content type: \(contentType)")
        lines.append("frame length: \(frameLength)")
        lines.append("header length: \(headerLength) (body \(headerBodyLength))")
        return lines.joined(separator: "\n")
    }
}

func hexString(_ bytes: some Sequence<UInt8>) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 0xF)]) }
    return String(decoding: out, as: UTF8.self)
}
