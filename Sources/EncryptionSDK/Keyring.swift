import Crypto
import Foundation

/// The materials a keyring fills in when a message is encrypted (framework/structures.md).
// @unchecked: SymmetricKey is an immutable value; swift-crypto 3 just does not mark it Sendable on Linux.
public struct EncryptionMaterials: @unchecked Sendable {
    public let suite: AlgorithmSuite
    /// The full context, including `aws-crypto-public-key` for signed suites.
    public let encryptionContext: EncryptionContext
    /// Set by the first (generator) keyring; `nil` until then.
    public var plaintextDataKey: SymmetricKey?
    /// EDKs added so far.
    public var encryptedDataKeys: [EncryptedDataKey]

    public init(suite: AlgorithmSuite, encryptionContext: EncryptionContext,
                plaintextDataKey: SymmetricKey? = nil, encryptedDataKeys: [EncryptedDataKey] = []) {
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
// @unchecked: SymmetricKey is an immutable value; swift-crypto 3 just does not mark it Sendable on Linux.
public struct DecryptionMaterials: @unchecked Sendable {
    public let suite: AlgorithmSuite
    /// The message's context plus any reproduced pairs that were not stored in it.
    public let encryptionContext: EncryptionContext
    /// Context keys that are authenticated but not stored in the header.
    public let requiredEncryptionContextKeys: [String]
    /// Set by the keyring that decrypted an EDK.
    public var plaintextDataKey: SymmetricKey?
    /// Serialized `encryptionContext`; computed once (from the header bytes when possible).
    public let serializedEncryptionContext: [UInt8]

    public init(suite: AlgorithmSuite, encryptionContext: EncryptionContext,
                requiredEncryptionContextKeys: [String] = [], plaintextDataKey: SymmetricKey? = nil) throws {
        self.init(suite: suite, encryptionContext: encryptionContext,
                  requiredEncryptionContextKeys: requiredEncryptionContextKeys,
                  serializedEncryptionContext: try EncryptionContextCodec.serialize(encryptionContext))
        self.plaintextDataKey = plaintextDataKey
    }

    init(suite: AlgorithmSuite, encryptionContext: EncryptionContext,
         requiredEncryptionContextKeys: [String], serializedEncryptionContext: [UInt8]) {
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
    public let generator: (any Keyring)?
    public let children: [any Keyring]

    public init(generator: (any Keyring)?, children: [any Keyring] = []) {
        self.generator = generator
        self.children = children
    }

    public func onEncrypt(_ materials: EncryptionMaterials) async throws -> EncryptionMaterials {
        var m = materials
        if let generator { m = try await generator.onEncrypt(m) }
        guard m.plaintextDataKey != nil else {
            throw ESDKError.invalidKeyringConfiguration("multi-keyring has no generator and no data key was supplied")
        }
        for child in children { m = try await child.onEncrypt(m) }
        return m
    }

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
