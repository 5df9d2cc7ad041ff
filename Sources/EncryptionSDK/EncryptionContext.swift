#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The encryption context: non-secret key/value pairs bound to a message.
public typealias EncryptionContext = [String: String]

/// Encryption-context (de)serialization (framework/structures.md#serialization).
public enum EncryptionContextCodec {
    /// The reserved key carrying the base64 compressed signature public key.
    public static let publicKeyKey = "aws-crypto-public-key"
    /// Prefix reserved for the ESDK's own context keys.
    public static let reservedPrefix = "aws-crypto-"

    /// Serializes a context: empty → zero bytes; otherwise count ‖ pairs sorted by the keys'
    /// UTF-8 bytes (not by Swift's String ordering, which is Unicode-aware).
    public static func serialize(_ context: EncryptionContext) throws -> [UInt8] {
        if context.isEmpty { return [] }
        guard context.count <= Int(UInt16.max) else {
            throw ESDKError.invalidEncryptionContext(reason: "more than 65535 pairs")
        }
        let pairs = context.map { (Array($0.key.utf8), Array($0.value.utf8)) }
            .sorted { $0.0.lexicographicallyPrecedes($1.0) }
        var out: [UInt8] = []
        out.reserveCapacity(2 + pairs.reduce(0) { $0 + 4 + $1.0.count + $1.1.count })
        out.appendBE(UInt16(pairs.count))
        for (k, v) in pairs {
            guard k.count <= Int(UInt16.max), v.count <= Int(UInt16.max) else {
                throw ESDKError.invalidEncryptionContext(reason: "key or value longer than 65535 bytes")
            }
            out.appendLengthPrefixed(k)
            out.appendLengthPrefixed(v)
        }
        guard out.count <= Int(UInt16.max) else {
            throw ESDKError.invalidEncryptionContext(reason: "serialized context longer than 65535 bytes")
        }
        return out
    }

    /// Parses exactly the bytes of a serialized context (the header's AAD field).
    public static func parse(_ bytes: ArraySlice<UInt8>) throws -> EncryptionContext {
        if bytes.isEmpty { return [:] }
        var r = ByteReader(Array(bytes))
        let count = try r.uint16("encryption context pair count")
        guard count > 0 else {
            throw ESDKError.invalidEncryptionContext(reason: "non-empty AAD with a pair count of 0")
        }
        var context = EncryptionContext(minimumCapacity: Int(count))
        for _ in 0..<count {
            let k = try r.lengthPrefixed("encryption context key")
            let v = try r.lengthPrefixed("encryption context value")
            guard let key = String(validatingUTF8Bytes: k), let value = String(validatingUTF8Bytes: v) else {
                throw ESDKError.invalidEncryptionContext(reason: "key or value is not valid UTF-8")
            }
            guard context.updateValue(value, forKey: key) == nil else {
                throw ESDKError.invalidEncryptionContext(reason: "duplicate key")
            }
        }
        guard r.remaining == 0 else {
            throw ESDKError.invalidEncryptionContext(reason: "\(r.remaining) bytes after the last pair")
        }
        return context
    }
}

extension String {
    /// Strict UTF-8 decoding: `nil` on any invalid sequence (no replacement characters).
    init?(validatingUTF8Bytes bytes: ArraySlice<UInt8>) {
        guard let s = String(validating: bytes, as: UTF8.self) else { return nil }
        self = s
    }
}
