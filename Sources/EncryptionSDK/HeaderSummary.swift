import Foundation

/// A printable description of a message header, for `smsredirect decrypt --show-header`.
/// It needs no key: nothing in it is secret (the EDK ciphertexts are only counted). Note that
/// a header shown this way is *unauthenticated*: it has not been checked against any key.
/// JSON field names follow `vectors/cognito/expected-headers.json`.
public struct HeaderSummary: Codable, Sendable, Equatable {
    public struct EDK: Codable, Sendable, Equatable {
        public var providerID: String
        /// The provider info as text when it is printable UTF-8 (KMS ARNs, RSA key names).
        public var providerInfo: String?
        public var providerInfoHex: String
        public var ciphertextLength: Int

        enum CodingKeys: String, CodingKey {
            case providerID = "provider_id", providerInfo = "provider_info"
            case providerInfoHex = "provider_info_hex", ciphertextLength = "ciphertext_len"
        }
    }

    public var messageFormatVersion: Int
    public var algorithmSuiteID: String
    public var algorithmSuiteName: String
    public var messageIDHex: String
    public var encryptionContext: [String: String]
    public var encryptedDataKeys: [EDK]
    public var contentType: String
    public var frameLength: Int
    public var headerBodyLength: Int
    public var headerLength: Int
    public var headerIVHex: String?
    public var headerAuthTagHex: String
    public var commitKeyHex: String?

    enum CodingKeys: String, CodingKey {
        case messageFormatVersion = "message_format_version", algorithmSuiteID = "algorithm_suite_id"
        case algorithmSuiteName = "algorithm_suite_name", messageIDHex = "message_id_hex"
        case encryptionContext = "encryption_context", encryptedDataKeys = "encrypted_data_keys"
        case contentType = "content_type", frameLength = "frame_length", headerBodyLength = "header_body_len"
        case headerLength = "header_len_incl_auth", headerIVHex = "header_iv_hex"
        case headerAuthTagHex = "header_auth_tag_hex", commitKeyHex = "suite_data_commitment_hex"
    }

    public init(_ h: MessageHeader) {
        messageFormatVersion = Int(h.version)
        algorithmSuiteID = "0x" + hex16(h.suite.id)
        algorithmSuiteName = h.suite.name
        messageIDHex = hexString(h.messageID)
        encryptionContext = h.encryptionContext
        encryptedDataKeys = h.encryptedDataKeys.map { edk in
            let text = String(data: edk.providerInfo, encoding: .utf8)
            let printable = text.map { !$0.unicodeScalars.contains { $0.properties.generalCategory == .control } } ?? false
            return EDK(providerID: edk.providerID, providerInfo: printable ? text : nil,
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
