#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// An encrypted data key as stored in the message header (framework/structures.md).
public struct EncryptedDataKey: Sendable, Hashable {
    /// Identifies the key provider, e.g. `aws-kms` or a raw keyring's namespace (UTF-8).
    public var providerID: String
    /// Provider-specific bytes (a KMS key ARN, a raw key name ‖ IV, …).
    public var providerInfo: Data
    /// The wrapped data key.
    public var ciphertext: Data

    /// An EDK from its three header fields.
    public init(providerID: String, providerInfo: Data, ciphertext: Data) {
        self.providerID = providerID
        self.providerInfo = providerInfo
        self.ciphertext = ciphertext
    }
}

/// Whether the body is one block or a sequence of frames.
public enum ContentType: UInt8, Sendable {
    case nonFramed = 1
    case framed = 2

    /// `framed` or `non-framed`, as shown in a header summary.
    public var name: String { self == .framed ? "framed" : "non-framed" }
}

/// A parsed message header (data-format/message-header.md), version 1 or 2.
///
/// The header keeps byte ranges into the message it was parsed from, so header
/// authentication and the signature can run over the original bytes without copying.
public struct MessageHeader: Sendable {
    /// The Type byte that follows the version byte in a v1 header (customer authenticated encrypted data).
    public static let messageTypeV1: UInt8 = 0x80
    /// The largest frame count a message may have (sequence numbers are UInt32, 0xFFFFFFFF is the end marker).
    public static let maxFrames: UInt64 = 0xFFFF_FFFF
    /// Largest non-framed content (2^36 − 32 bytes), the GCM limit.
    public static let maxNonFramedContentLength: UInt64 = (1 << 36) - 32

    /// Message format version: 1 or 2.
    public let version: UInt8
    /// The algorithm suite named by the header's Algorithm Suite ID.
    public let suite: AlgorithmSuite
    /// 16 bytes (v1) or 32 bytes (v2).
    public let messageID: [UInt8]
    /// The stored encryption context.
    public let encryptionContext: EncryptionContext
    /// The EDKs in header order (at least one): the message's data key, wrapped once per key provider.
    public let encryptedDataKeys: [EncryptedDataKey]
    /// Whether the body that follows is framed or a single non-framed block.
    public let contentType: ContentType
    /// 0 for non-framed content.
    public let frameLength: UInt32
    /// v1 only: the header-authentication IV.
    public let headerIV: [UInt8]?
    /// v2 only: the algorithm suite data (the commit key).
    public let suiteData: [UInt8]?
    /// Header authentication tag.
    public let authTag: [UInt8]
    /// Bytes `0..<headerBodyLength` of the message are the header body (the header-auth AAD).
    public let headerBodyLength: Int
    /// Header length including the authentication fields; the body starts here.
    public let headerLength: Int
    /// Where the serialized encryption context sits in the message (reused as raw-key AAD).
    let encryptionContextRange: Range<Int>

    /// Parses the header at the start of `message`.
    ///
    /// - Parameters:
    ///   - message: the message bytes (only the header needs to be present).
    ///   - maxEncryptedDataKeys: stop and fail as soon as the EDK count exceeds this (nil: no limit).
    /// - Throws: `ESDKError` naming the field that failed.
    public static func parse(_ message: [UInt8], maxEncryptedDataKeys: Int? = nil) throws -> MessageHeader {
        // Whole on purpose: field after field in the order of the specification's header table.
        var r = ByteReader(message)
        let version = try r.uint8("version")
        guard version == 1 || version == 2 else { throw ESDKError.unsupportedVersion(version) }
        if version == 1 {
            let type = try r.uint8("type")
            guard type == messageTypeV1 else { throw ESDKError.unsupportedMessageType(type) }
        }
        let suiteID = try r.uint16("algorithm suite id")
        guard let suite = AlgorithmSuite.withID(suiteID) else { throw ESDKError.unknownSuite(suiteID) }
        guard suite.messageFormatVersion == version else {
            throw ESDKError.suiteVersionMismatch(suite: suiteID, version: version)
        }
        let messageID = Array(try r.slice(suite.messageIDLength, "message id"))

        let aadLength = Int(try r.uint16("AAD length"))
        let ecRange = try r.range(aadLength, "AAD")
        let context = try EncryptionContextCodec.parse(message[ecRange])

        let edkCount = Int(try r.uint16("encrypted data key count"))
        guard edkCount > 0 else { throw ESDKError.zeroEncryptedDataKeys }
        if let max = maxEncryptedDataKeys, edkCount > max {
            throw ESDKError.tooManyEncryptedDataKeys(count: edkCount, maximum: max)
        }
        let edks = try parseEncryptedDataKeys(count: edkCount, reader: &r)

        let ct = try r.uint8("content type")
        guard let contentType = ContentType(rawValue: ct) else { throw ESDKError.invalidContentType(ct) }
        if version == 1 {
            let reserved = try r.uint32("reserved")
            guard reserved == 0 else { throw ESDKError.nonZeroReservedField }
            let ivLength = try r.uint8("IV length")
            guard Int(ivLength) == AlgorithmSuite.ivLength else {
                throw ESDKError.invalidIVLength(ivLength, expected: AlgorithmSuite.ivLength)
            }
        }
        let frameLength = try r.uint32("frame length")
        switch contentType {
        case .nonFramed where frameLength != 0:
            throw ESDKError.invalidFrameLength(frameLength, reason: "non-framed content requires frame length 0")
        case .framed where frameLength == 0:
            throw ESDKError.invalidFrameLength(frameLength, reason: "framed content requires a frame length > 0")
        default: break
        }
        var suiteData: [UInt8]? = nil
        if version == 2 {
            suiteData = Array(try r.slice(AlgorithmSuite.commitKeyLength, "algorithm suite data"))
        }
        let headerBodyLength = r.offset
        var headerIV: [UInt8]? = nil
        if version == 1 {
            headerIV = Array(try r.slice(AlgorithmSuite.ivLength, "header IV"))
        }
        let tag = Array(try r.slice(AlgorithmSuite.tagLength, "header authentication tag"))

        return MessageHeader(
            version: version, suite: suite, messageID: messageID, encryptionContext: context,
            encryptedDataKeys: edks, contentType: contentType, frameLength: frameLength,
            headerIV: headerIV, suiteData: suiteData, authTag: tag,
            headerBodyLength: headerBodyLength, headerLength: r.offset, encryptionContextRange: ecRange)
    }

    /// The encrypted data key list: `count` entries of provider id (UTF-8), provider info and ciphertext.
    static func parseEncryptedDataKeys(count: Int, reader r: inout ByteReader) throws -> [EncryptedDataKey] {
        var edks: [EncryptedDataKey] = []
        edks.reserveCapacity(min(count, 16))
        for _ in 0..<count {
            let pid = try r.lengthPrefixed("key provider id")
            guard let providerID = String(validatingUTF8Bytes: pid) else {
                throw ESDKError.invalidEncryptionContext(reason: "key provider id is not valid UTF-8")
            }
            let info = try r.lengthPrefixed("key provider info")
            let ct = try r.lengthPrefixed("encrypted data key")
            edks.append(EncryptedDataKey(providerID: providerID, providerInfo: Data(info), ciphertext: Data(ct)))
        }
        return edks
    }

    /// Serializes a header body (everything before the authentication fields).
    static func serializeBody(
        suite: AlgorithmSuite, messageID: [UInt8], serializedContext: [UInt8],
        encryptedDataKeys: [EncryptedDataKey], contentType: ContentType, frameLength: UInt32,
        commitKey: [UInt8]?
    ) throws -> (bytes: [UInt8], contextRange: Range<Int>) {
        guard serializedContext.count <= Int(UInt16.max) else {
            throw ESDKError.invalidEncryptionContext(reason: "serialized context longer than 65535 bytes")
        }
        guard !encryptedDataKeys.isEmpty else { throw ESDKError.zeroEncryptedDataKeys }
        guard encryptedDataKeys.count <= Int(UInt16.max) else {
            throw ESDKError.tooManyEncryptedDataKeys(count: encryptedDataKeys.count, maximum: Int(UInt16.max))
        }
        var out: [UInt8] = []
        out.reserveCapacity(64 + serializedContext.count + encryptedDataKeys.count * 300)
        out.append(suite.messageFormatVersion)
        if suite.messageFormatVersion == 1 { out.append(messageTypeV1) }
        out.appendBE(suite.id)
        out.append(contentsOf: messageID)
        out.appendBE(UInt16(serializedContext.count))
        let start = out.count
        out.append(contentsOf: serializedContext)
        let contextRange = start..<out.count
        out.appendBE(UInt16(encryptedDataKeys.count))
        for edk in encryptedDataKeys {
            let pid = Array(edk.providerID.utf8)
            for (field, len) in [
                ("key provider id", pid.count), ("key provider info", edk.providerInfo.count),
                ("encrypted data key", edk.ciphertext.count),
            ] where len > Int(UInt16.max) {
                throw ESDKError.lengthExceedsLimit(field: field, length: UInt64(len), limit: UInt64(UInt16.max))
            }
            out.appendLengthPrefixed(pid)
            out.appendLengthPrefixed(edk.providerInfo)
            out.appendLengthPrefixed(edk.ciphertext)
        }
        out.append(contentType.rawValue)
        if suite.messageFormatVersion == 1 {
            out.appendBE(UInt32(0))
            out.append(UInt8(AlgorithmSuite.ivLength))
        }
        out.appendBE(frameLength)
        if suite.messageFormatVersion == 2, let commitKey { out.append(contentsOf: commitKey) }
        return (out, contextRange)
    }
}
