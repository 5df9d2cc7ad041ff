import Crypto
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The materials a keyring fills in when a message is encrypted (framework/structures.md).
///
/// `@unchecked`: SymmetricKey is an immutable value; swift-crypto 3 just does not mark it Sendable on Linux.
public struct EncryptionMaterials: @unchecked Sendable {
    /// The algorithm suite the message is encrypted with; it fixes the data key length.
    public let suite: AlgorithmSuite
    /// The full context, including `aws-crypto-public-key` for signed suites.
    public let encryptionContext: EncryptionContext
    /// Set by the first (generator) keyring; `nil` until then.
    public var plaintextDataKey: SymmetricKey?
    /// EDKs added so far.
    public var encryptedDataKeys: [EncryptedDataKey]

    /// Materials for `suite`; pass `plaintextDataKey` only to supply the data key instead of a generator keyring.
    public init(
        suite: AlgorithmSuite, encryptionContext: EncryptionContext,
        plaintextDataKey: SymmetricKey? = nil, encryptedDataKeys: [EncryptedDataKey] = []
    ) {
        self.suite = suite
        self.encryptionContext = encryptionContext
        self.plaintextDataKey = plaintextDataKey
        self.encryptedDataKeys = encryptedDataKeys
    }

    /// The serialized context, the AAD raw keyrings bind their wrapped keys to.
    public func serializedEncryptionContext() throws -> [UInt8] {
        try EncryptionContextCodec.serialize(encryptionContext)
    }
}

/// The materials a keyring fills in when a message is decrypted.
///
/// `@unchecked`: SymmetricKey is an immutable value; swift-crypto 3 just does not mark it Sendable on Linux.
public struct DecryptionMaterials: @unchecked Sendable {
    /// The message's algorithm suite (from its header); an unwrapped data key must have its key length.
    public let suite: AlgorithmSuite
    /// The message's context plus any reproduced pairs that were not stored in it.
    public let encryptionContext: EncryptionContext
    /// Context keys that are authenticated but not stored in the header.
    public let requiredEncryptionContextKeys: [String]
    /// Set by the keyring that decrypted an EDK.
    public var plaintextDataKey: SymmetricKey?
    /// Serialized `encryptionContext`; computed once (from the header bytes when possible).
    public let serializedEncryptionContext: [UInt8]

    /// Materials for decrypting under `suite`, serializing `encryptionContext` once here.
    /// - Throws: `ESDKError.invalidEncryptionContext` when the context exceeds the format's 65535-byte limits.
    public init(
        suite: AlgorithmSuite, encryptionContext: EncryptionContext,
        requiredEncryptionContextKeys: [String] = [], plaintextDataKey: SymmetricKey? = nil
    ) throws {
        self.init(
            suite: suite, encryptionContext: encryptionContext,
            requiredEncryptionContextKeys: requiredEncryptionContextKeys,
            serializedEncryptionContext: try EncryptionContextCodec.serialize(encryptionContext))
        self.plaintextDataKey = plaintextDataKey
    }

    init(
        suite: AlgorithmSuite, encryptionContext: EncryptionContext,
        requiredEncryptionContextKeys: [String], serializedEncryptionContext: [UInt8]
    ) {
        self.suite = suite
        self.encryptionContext = encryptionContext
        self.requiredEncryptionContextKeys = requiredEncryptionContextKeys
        self.serializedEncryptionContext = serializedEncryptionContext
        self.plaintextDataKey = nil
    }
}

/// A keyring generates, wraps and unwraps data keys (framework/keyring-interface.md).
///
/// The message code only calls these two functions, so a new kind of keyring needs no
/// change anywhere else.
public protocol Keyring: Sendable {
    /// Adds a data key (if none yet) and at least one EDK to the materials.
    func onEncrypt(_ materials: EncryptionMaterials) async throws -> EncryptionMaterials

    /// Returns the materials with `plaintextDataKey` set from one of `encryptedDataKeys`.
    /// Throws (typically `ESDKError.noKeyringCouldDecrypt`) if none of them is this keyring's.
    func onDecrypt(_ materials: DecryptionMaterials, encryptedDataKeys: [EncryptedDataKey]) async throws -> DecryptionMaterials
}

/// Tries several keyrings: the first one generates the data key on encrypt and every
/// other one wraps it too; on decrypt the first keyring that succeeds wins (framework/multi-keyring.md).
public struct MultiKeyring: Keyring {
    /// The keyring that generates the data key on encrypt; `nil` requires the materials to bring one.
    public let generator: (any Keyring)?
    /// Keyrings that each add their own EDK for the data key; tried after the generator on decrypt.
    public let children: [any Keyring]

    /// A multi-keyring; give a `generator`, or supply the data key in the encryption materials.
    public init(generator: (any Keyring)?, children: [any Keyring] = []) {
        self.generator = generator
        self.children = children
    }

    /// Runs the generator (if any), then every child, so each keyring adds an EDK for the same data key.
    /// - Throws: `ESDKError.invalidKeyringConfiguration` when there is no generator and no data key was
    ///   supplied, or the first error a keyring throws.
    public func onEncrypt(_ materials: EncryptionMaterials) async throws -> EncryptionMaterials {
        var m = materials
        if let generator { m = try await generator.onEncrypt(m) }
        guard m.plaintextDataKey != nil else {
            throw ESDKError.invalidKeyringConfiguration("multi-keyring has no generator and no data key was supplied")
        }
        for child in children { m = try await child.onEncrypt(m) }
        return m
    }

    /// Tries the generator, then each child, and returns the first keyring's result that unwraps a data key.
    /// - Throws: `ESDKError.noKeyringCouldDecrypt` with every keyring's attempts when none succeeds.
    public func onDecrypt(_ materials: DecryptionMaterials, encryptedDataKeys: [EncryptedDataKey]) async throws -> DecryptionMaterials {
        var attempts: [KeyringAttempt] = []
        for keyring in ([generator].compactMap { $0 } + children) {
            do {
                return try await keyring.onDecrypt(materials, encryptedDataKeys: encryptedDataKeys)
            } catch let ESDKError.noKeyringCouldDecrypt(inner) {
                attempts += inner
            } catch {
                attempts.append(KeyringAttempt(String(describing: error), underlying: error))
            }
        }
        throw ESDKError.noKeyringCouldDecrypt(attempts: attempts)
    }
}

extension SymmetricKey {
    var byteCount: Int { bitCount / 8 }
    var bytes: [UInt8] { withUnsafeBytes { Array($0) } }
}
