#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Every way an Encryption SDK operation can fail. Each case names the check that failed,
/// so a caller (or a log line) can say *why* a message was rejected without ever printing
/// the message, a data key or a plaintext.
public enum ESDKError: Error, Equatable, Sendable, CustomStringConvertible {
    // MARK: Header and body structure
    /// The input ended inside `field`: `needed` more bytes were required at `offset`.
    case truncatedHeader(field: String, offset: Int, needed: Int)
    /// The input ended inside the body or footer.
    case truncatedBody(field: String, offset: Int, needed: Int)
    case unsupportedVersion(UInt8)
    case unsupportedMessageType(UInt8)
    case unknownSuite(UInt16)
    /// The suite belongs to the other message format version (e.g. 0x0478 in a v1 header).
    case suiteVersionMismatch(suite: UInt16, version: UInt8)
    case invalidEncryptionContext(reason: String)
    case zeroEncryptedDataKeys
    /// The header lists more EDKs than the configured maximum; parsing stopped there.
    case tooManyEncryptedDataKeys(count: Int, maximum: Int)
    case invalidContentType(UInt8)
    case nonZeroReservedField
    case invalidIVLength(UInt8, expected: Int)
    case invalidFrameLength(UInt32, reason: String)
    /// A frame sequence number was not the next one expected.
    case badSequenceNumber(expected: UInt32, found: UInt32)
    /// A frame or body IV was not the sequence-number IV the spec requires.
    case badIV(sequenceNumber: UInt32)
    /// A declared length exceeds the bytes that are actually present or a spec limit.
    case lengthExceedsLimit(field: String, length: UInt64, limit: UInt64)
    case trailingBytes(count: Int)

    // MARK: Policy and materials
    /// The commitment policy does not allow this suite for this operation.
    case commitmentPolicyViolation(suite: UInt16, policy: CommitmentPolicy)
    /// The commit key derived from the data key does not match the header.
    case commitmentMismatch
    /// A signed suite without `aws-crypto-public-key`, or an unsigned one with it.
    case signingKeyContextMismatch(suite: UInt16, hasPublicKey: Bool)
    case invalidPublicKey(reason: String)
    /// `unsignedOnly` decryption was asked for and the message is signed.
    case signedMessageRejected(suite: UInt16)
    /// The reproduced encryption context disagrees with the message's for `key`.
    case encryptionContextMismatch(key: String)
    /// A caller-supplied encryption context uses the reserved `aws-crypto-` prefix.
    case reservedEncryptionContextKey(String)
    /// No keyring could decrypt any EDK; `attempts` lists what was tried, why it failed, and the
    /// error behind each failure (a KMS client's, say), so a caller can act on the cause.
    case noKeyringCouldDecrypt(attempts: [KeyringAttempt])
    case keyringFailure(String)
    case invalidDataKeyLength(expected: Int, found: Int)
    case invalidKeyringConfiguration(String)

    // MARK: Cryptographic checks
    /// The header authentication tag did not verify.
    case headerAuthenticationFailed
    /// A frame (or the non-framed body) failed GCM authentication.
    case tagMismatch(sequenceNumber: UInt32)
    case missingSignature
    case badSignature(reason: String)

    // MARK: Encrypt-side
    case plaintextTooLarge(length: Int, limit: UInt64)
    case notAvailableInThisBuild(String)

    /// A one-line message naming the field, value, suite or keyring that failed.
    public var description: String {
        switch self {
        case let .truncatedHeader(field, offset, needed):
            return "truncated header: \(field) needs \(needed) bytes at offset \(offset)"
        case let .truncatedBody(field, offset, needed):
            return "truncated body: \(field) needs \(needed) bytes at offset \(offset)"
        case let .unsupportedVersion(v): return "unsupported message format version 0x\(hex8(v))"
        case let .unsupportedMessageType(t): return "unsupported message type 0x\(hex8(t))"
        case let .unknownSuite(id): return "unknown algorithm suite 0x\(hex16(id))"
        case let .suiteVersionMismatch(s, v):
            return "algorithm suite 0x\(hex16(s)) is not valid in message format version \(v)"
        case let .invalidEncryptionContext(r): return "invalid encryption context: \(r)"
        case .zeroEncryptedDataKeys: return "header lists zero encrypted data keys"
        case let .tooManyEncryptedDataKeys(c, m): return "too many encrypted data keys: \(c) > maximum \(m)"
        case let .invalidContentType(t): return "invalid content type \(t)"
        case .nonZeroReservedField: return "reserved header field is not zero"
        case let .invalidIVLength(l, e): return "invalid IV length \(l), suite requires \(e)"
        case let .invalidFrameLength(l, r): return "invalid frame length \(l): \(r)"
        case let .badSequenceNumber(e, f): return "bad sequence number: expected \(e), found \(f)"
        case let .badIV(seq): return "IV of frame \(seq) is not its sequence number"
        case let .lengthExceedsLimit(f, l, lim): return "\(f) length \(l) exceeds limit \(lim)"
        case let .trailingBytes(c): return "\(c) bytes left over after the message"
        case let .commitmentPolicyViolation(s, p):
            return "algorithm suite 0x\(hex16(s)) is not allowed by commitment policy \(p)"
        case .commitmentMismatch: return "key commitment mismatch"
        case let .signingKeyContextMismatch(s, has):
            return has
                ? "unsigned suite 0x\(hex16(s)) but encryption context has aws-crypto-public-key"
                : "signed suite 0x\(hex16(s)) but encryption context lacks aws-crypto-public-key"
        case let .invalidPublicKey(r): return "invalid signature public key: \(r)"
        case let .signedMessageRejected(s): return "signed suite 0x\(hex16(s)) refused by unsigned-only decryption"
        case let .encryptionContextMismatch(k): return "reproduced encryption context disagrees on key \"\(k)\""
        case let .reservedEncryptionContextKey(k): return "encryption context key \"\(k)\" uses the reserved aws-crypto- prefix"
        case let .noKeyringCouldDecrypt(a):
            return "no keyring could decrypt any data key" + (a.isEmpty ? "" : " (" + a.map(\.description).joined(separator: "; ") + ")")
        case let .keyringFailure(r): return "keyring failure: \(r)"
        case let .invalidDataKeyLength(e, f): return "data key length \(f), suite requires \(e)"
        case let .invalidKeyringConfiguration(r): return "invalid keyring configuration: \(r)"
        case .headerAuthenticationFailed: return "header authentication tag mismatch"
        case let .tagMismatch(seq): return "authentication tag mismatch in frame \(seq)"
        case .missingSignature: return "signed message has no footer signature"
        case let .badSignature(r): return "bad signature: \(r)"
        case let .plaintextTooLarge(l, lim): return "plaintext length \(l) exceeds limit \(lim)"
        case let .notAvailableInThisBuild(what): return "\(what) is not available in this build"
        }
    }
}

// Error messages write bytes and suite ids in hex with the module's one encoder.
func hex8(_ v: UInt8) -> String { hexString(CollectionOfOne(v)) }
func hex16(_ v: UInt16) -> String { hexString([UInt8(v >> 8), UInt8(v & 0xFF)]) }

/// One keyring's failed try at a data key: what it tried and why, in words, and the error that
/// made it fail when there was one.
public struct KeyringAttempt: Sendable, Equatable, CustomStringConvertible, ExpressibleByStringInterpolation {
    /// The keyring and the reason, e.g. which key was tried and why it did not unwrap.
    public var description: String
    /// The error behind the failure (the KMS client's, for the KMS keyring), kept as it was thrown.
    public var underlying: (any Error)?

    /// An attempt described in words, with the error that caused it when there is one.
    public init(_ description: String, underlying: (any Error)? = nil) {
        self.description = description
        self.underlying = underlying
    }

    /// An attempt from a string literal or interpolation, with no underlying error.
    public init(stringLiteral value: String) { self.init(value) }

    /// Equal when they read the same: an error value has no equality of its own.
    public static func == (lhs: KeyringAttempt, rhs: KeyringAttempt) -> Bool {
        lhs.description == rhs.description && (lhs.underlying == nil) == (rhs.underlying == nil)
    }
}
