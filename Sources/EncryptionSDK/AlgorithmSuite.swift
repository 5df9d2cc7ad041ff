#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The hash used by a suite's HKDF.
public enum KDFHash: Sendable, Equatable {
    case sha256, sha384, sha512
}

/// The asymmetric signature algorithm of a signed suite.
public enum SignatureAlgorithm: Sendable, Equatable {
    /// ECDSA with P-256 and SHA-256.
    case ecdsaP256
    /// ECDSA with P-384 and SHA-384.
    case ecdsaP384
}

/// One of the eleven ESDK algorithm suites (framework/algorithm-suites.md).
public struct AlgorithmSuite: Sendable, Hashable, CustomStringConvertible {
    /// The two-byte suite ID as serialized in the header.
    public let id: UInt16
    /// The spec's ENUM name, e.g. `AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384`.
    public let name: String
    /// Message format version this suite is written in: 1 or 2.
    public let messageFormatVersion: UInt8
    /// AES key length in bytes (also the data key length for all ESDK suites).
    public let keyLength: Int
    /// `nil` is the identity KDF (the data key is the AES key).
    public let kdf: KDFHash?
    /// Key commitment (suites 0x0478 and 0x0578).
    public let isCommitting: Bool
    /// The algorithm that signs the message footer; `nil` for an unsigned suite (no footer).
    public let signature: SignatureAlgorithm?

    /// AES-GCM IV length in bytes, the same for every suite.
    public static let ivLength = 12
    /// AES-GCM authentication tag length in bytes, the same for every suite.
    public static let tagLength = 16
    /// Length of the commit key stored as "algorithm suite data" in a v2 header.
    public static let commitKeyLength = 32

    /// Whether messages in this suite carry a signature footer (and an `aws-crypto-public-key` context entry).
    public var isSigned: Bool { signature != nil }
    /// The header's Message ID length in bytes: 16 in message format 1, 32 in format 2.
    public var messageIDLength: Int { messageFormatVersion == 1 ? 16 : 32 }
    /// The suite's hex ID and spec name, e.g. `0x0378 AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384`.
    public var description: String { "0x\(hex16(id)) \(name)" }

    /// Suites are equal when their IDs are.
    public static func == (a: Self, b: Self) -> Bool { a.id == b.id }
    /// Hashes the suite ID only, consistent with `==`.
    public func hash(into h: inout Hasher) { h.combine(id) }

    /// Suite 0x0014: AES-128-GCM keyed with the data key itself (no KDF); unsigned, not committing.
    public static let aes128GcmIv12Tag16NoKdf = AlgorithmSuite(
        id: 0x0014, name: "AES_128_GCM_IV12_TAG16_NO_KDF", messageFormatVersion: 1, keyLength: 16, kdf: nil, isCommitting: false, signature: nil)
    /// Suite 0x0046: AES-192-GCM keyed with the data key itself (no KDF); unsigned, not committing.
    public static let aes192GcmIv12Tag16NoKdf = AlgorithmSuite(
        id: 0x0046, name: "AES_192_GCM_IV12_TAG16_NO_KDF", messageFormatVersion: 1, keyLength: 24, kdf: nil, isCommitting: false, signature: nil)
    /// Suite 0x0078: AES-256-GCM keyed with the data key itself (no KDF); unsigned, not committing.
    public static let aes256GcmIv12Tag16NoKdf = AlgorithmSuite(
        id: 0x0078, name: "AES_256_GCM_IV12_TAG16_NO_KDF", messageFormatVersion: 1, keyLength: 32, kdf: nil, isCommitting: false, signature: nil)
    /// Suite 0x0114: AES-128-GCM with a key derived by HKDF-SHA-256; unsigned, not committing.
    public static let aes128GcmIv12Tag16HkdfSha256 = AlgorithmSuite(
        id: 0x0114, name: "AES_128_GCM_IV12_TAG16_HKDF_SHA256", messageFormatVersion: 1, keyLength: 16, kdf: .sha256, isCommitting: false, signature: nil)
    /// Suite 0x0146: AES-192-GCM with a key derived by HKDF-SHA-256; unsigned, not committing.
    public static let aes192GcmIv12Tag16HkdfSha256 = AlgorithmSuite(
        id: 0x0146, name: "AES_192_GCM_IV12_TAG16_HKDF_SHA256", messageFormatVersion: 1, keyLength: 24, kdf: .sha256, isCommitting: false, signature: nil)
    /// Suite 0x0178: AES-256-GCM with a key derived by HKDF-SHA-256; unsigned, not committing.
    public static let aes256GcmIv12Tag16HkdfSha256 = AlgorithmSuite(
        id: 0x0178, name: "AES_256_GCM_IV12_TAG16_HKDF_SHA256", messageFormatVersion: 1, keyLength: 32, kdf: .sha256, isCommitting: false, signature: nil)
    /// Suite 0x0214: AES-128-GCM, HKDF-SHA-256, signed with ECDSA P-256; not committing.
    public static let aes128GcmIv12Tag16HkdfSha256EcdsaP256 = AlgorithmSuite(
        id: 0x0214, name: "AES_128_GCM_IV12_TAG16_HKDF_SHA256_ECDSA_P256", messageFormatVersion: 1, keyLength: 16, kdf: .sha256, isCommitting: false,
        signature: .ecdsaP256)
    /// Suite 0x0346: AES-192-GCM, HKDF-SHA-384, signed with ECDSA P-384; not committing.
    public static let aes192GcmIv12Tag16HkdfSha384EcdsaP384 = AlgorithmSuite(
        id: 0x0346, name: "AES_192_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384", messageFormatVersion: 1, keyLength: 24, kdf: .sha384, isCommitting: false,
        signature: .ecdsaP384)
    /// The suite Amazon Cognito uses for custom sender triggers.
    public static let aes256GcmIv12Tag16HkdfSha384EcdsaP384 = AlgorithmSuite(
        id: 0x0378, name: "AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384", messageFormatVersion: 1, keyLength: 32, kdf: .sha384, isCommitting: false,
        signature: .ecdsaP384)
    /// Suite 0x0478: AES-256-GCM, HKDF-SHA-512 with key commitment (message format 2); unsigned.
    public static let aes256GcmHkdfSha512CommitKey = AlgorithmSuite(
        id: 0x0478, name: "AES_256_GCM_HKDF_SHA512_COMMIT_KEY", messageFormatVersion: 2, keyLength: 32, kdf: .sha512, isCommitting: true, signature: nil)
    /// Suite 0x0578: AES-256-GCM, HKDF-SHA-512 with key commitment (message format 2), signed with ECDSA P-384.
    public static let aes256GcmHkdfSha512CommitKeyEcdsaP384 = AlgorithmSuite(
        id: 0x0578, name: "AES_256_GCM_HKDF_SHA512_COMMIT_KEY_ECDSA_P384", messageFormatVersion: 2, keyLength: 32, kdf: .sha512, isCommitting: true,
        signature: .ecdsaP384)

    /// All suites, in ID order.
    public static let all: [AlgorithmSuite] = [
        aes128GcmIv12Tag16NoKdf, aes192GcmIv12Tag16NoKdf, aes256GcmIv12Tag16NoKdf,
        aes128GcmIv12Tag16HkdfSha256, aes192GcmIv12Tag16HkdfSha256, aes256GcmIv12Tag16HkdfSha256,
        aes128GcmIv12Tag16HkdfSha256EcdsaP256, aes192GcmIv12Tag16HkdfSha384EcdsaP384,
        aes256GcmIv12Tag16HkdfSha384EcdsaP384, aes256GcmHkdfSha512CommitKey,
        aes256GcmHkdfSha512CommitKeyEcdsaP384,
    ]

    /// Looks a suite up by its ID; `nil` for an unknown ID.
    public static func withID(_ id: UInt16) -> AlgorithmSuite? {
        switch id {
        case 0x0014: return aes128GcmIv12Tag16NoKdf
        case 0x0046: return aes192GcmIv12Tag16NoKdf
        case 0x0078: return aes256GcmIv12Tag16NoKdf
        case 0x0114: return aes128GcmIv12Tag16HkdfSha256
        case 0x0146: return aes192GcmIv12Tag16HkdfSha256
        case 0x0178: return aes256GcmIv12Tag16HkdfSha256
        case 0x0214: return aes128GcmIv12Tag16HkdfSha256EcdsaP256
        case 0x0346: return aes192GcmIv12Tag16HkdfSha384EcdsaP384
        case 0x0378: return aes256GcmIv12Tag16HkdfSha384EcdsaP384
        case 0x0478: return aes256GcmHkdfSha512CommitKey
        case 0x0578: return aes256GcmHkdfSha512CommitKeyEcdsaP384
        default: return nil
        }
    }
}

/// Which suites may be used to encrypt and to decrypt (framework/commitment-policy.md).
public enum CommitmentPolicy: String, Sendable, Equatable, CustomStringConvertible {
    /// Encrypt only with committing suites; decrypt anything. The default here, because
    /// Cognito sends the non-committing suite 0x0378.
    case requireEncryptAllowDecrypt
    /// Encrypt and decrypt only committing suites (the ESDK's own default).
    case requireEncryptRequireDecrypt
    /// Encrypt only with non-committing suites; decrypt anything.
    case forbidEncryptAllowDecrypt

    /// The policy's case name, e.g. `requireEncryptAllowDecrypt`.
    public var description: String { rawValue }

    /// Whether this policy lets a message be encrypted with `suite` (committing suites unless `forbid…`).
    public func allowsEncrypt(_ suite: AlgorithmSuite) -> Bool {
        switch self {
        case .requireEncryptAllowDecrypt, .requireEncryptRequireDecrypt: return suite.isCommitting
        case .forbidEncryptAllowDecrypt: return !suite.isCommitting
        }
    }

    /// Whether this policy lets a message in `suite` be decrypted (only committing suites under `…RequireDecrypt`).
    public func allowsDecrypt(_ suite: AlgorithmSuite) -> Bool {
        switch self {
        case .requireEncryptRequireDecrypt: return suite.isCommitting
        case .requireEncryptAllowDecrypt, .forbidEncryptAllowDecrypt: return true
        }
    }
}
