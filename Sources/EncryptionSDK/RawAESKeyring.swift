import Crypto
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Wraps data keys with a local AES-GCM key (framework/raw-aes-keyring.md).
///
/// EDK layout: provider ID = key namespace; provider info = key name ‖ tag length in bits
/// (UInt32, 128) ‖ IV length (UInt32, 12) ‖ IV; ciphertext = wrapped key ‖ 16-byte tag.
/// The GCM AAD is the serialized encryption context.
///
/// `@unchecked`: SymmetricKey is an immutable value; swift-crypto 3 just does not mark it Sendable on Linux.
public struct RawAESKeyring: Keyring, @unchecked Sendable {
    /// The EDK provider ID this keyring writes and matches; must not start with `aws-kms`.
    public let keyNamespace: String
    /// The key name that starts the EDK provider info this keyring writes and matches.
    public let keyName: String
    private let wrappingKey: SymmetricKey
    private let keyNameBytes: [UInt8]

    /// - Parameter wrappingKey: 16, 24 or 32 bytes.
    public init(keyNamespace: String, keyName: String, wrappingKey: Data) throws {
        guard [16, 24, 32].contains(wrappingKey.count) else {
            throw ESDKError.invalidKeyringConfiguration("raw AES wrapping key must be 128, 192 or 256 bits, got \(wrappingKey.count * 8)")
        }
        guard !keyNamespace.hasPrefix("aws-kms") else {
            throw ESDKError.invalidKeyringConfiguration("raw keyring namespace must not start with aws-kms")
        }
        self.keyNamespace = keyNamespace
        self.keyName = keyName
        self.keyNameBytes = Array(keyName.utf8)
        self.wrappingKey = SymmetricKey(data: wrappingKey)
    }

    private static let tagBits: UInt32 = 128

    /// Generates a data key if the materials have none, and adds an EDK with it sealed under the wrapping key
    /// (a fresh random IV, the serialized encryption context as AAD).
    public func onEncrypt(_ materials: EncryptionMaterials) async throws -> EncryptionMaterials {
        var m = materials
        let dataKey = m.plaintextDataKey ?? SymmetricKey(size: .init(bitCount: m.suite.keyLength * 8))
        var iv = [UInt8](repeating: 0, count: AlgorithmSuite.ivLength)
        var rng = SystemRandomNumberGenerator()
        for i in iv.indices { iv[i] = rng.next() }
        let (ct, tag) = try dataKey.withUnsafeBytes {
            try GCM.seal(key: wrappingKey, iv: iv, plaintext: Data($0), aad: try m.serializedEncryptionContext())
        }
        var info = keyNameBytes
        info.appendBE(Self.tagBits)
        info.appendBE(UInt32(AlgorithmSuite.ivLength))
        info.append(contentsOf: iv)
        m.plaintextDataKey = dataKey
        m.encryptedDataKeys.append(EncryptedDataKey(providerID: keyNamespace, providerInfo: Data(info), ciphertext: ct + tag))
        return m
    }

    /// Unwraps the first EDK for this namespace and name whose GCM tag verifies with the message's context as AAD.
    /// - Throws: `ESDKError.noKeyringCouldDecrypt` with each attempt when no matching EDK unwraps.
    public func onDecrypt(_ materials: DecryptionMaterials, encryptedDataKeys: [EncryptedDataKey]) async throws -> DecryptionMaterials {
        guard materials.plaintextDataKey == nil else {
            throw ESDKError.invalidKeyringConfiguration("decryption materials already hold a data key")
        }
        var attempts: [KeyringAttempt] = []
        let expectedInfoLength = keyNameBytes.count + 8 + AlgorithmSuite.ivLength
        for edk in encryptedDataKeys where edk.providerID == keyNamespace {
            let info = [UInt8](edk.providerInfo)
            guard info.count == expectedInfoLength, info.starts(with: keyNameBytes) else { continue }
            var r = ByteReader(info, offset: keyNameBytes.count)
            guard (try? r.uint32("tag length")) == Self.tagBits,
                (try? r.uint32("IV length")) == UInt32(AlgorithmSuite.ivLength),
                let iv = try? r.slice(AlgorithmSuite.ivLength, "IV")
            else {
                attempts.append("raw AES \(keyNamespace)/\(keyName): malformed provider info")
                continue
            }
            let ct = [UInt8](edk.ciphertext)
            guard ct.count == materials.suite.keyLength + AlgorithmSuite.tagLength else {
                attempts.append("raw AES \(keyNamespace)/\(keyName): wrapped key has length \(ct.count)")
                continue
            }
            let split = ct.count - AlgorithmSuite.tagLength
            do {
                let key = try GCM.open(
                    key: wrappingKey, iv: iv, ciphertext: ct[..<split], tag: ct[split...],
                    aad: materials.serializedEncryptionContext)
                var m = materials
                m.plaintextDataKey = SymmetricKey(data: key)
                return m
            } catch {
                attempts.append("raw AES \(keyNamespace)/\(keyName): unwrap failed (tag mismatch)")
            }
        }
        if attempts.isEmpty { attempts.append("raw AES \(keyNamespace)/\(keyName): no matching EDK") }
        throw ESDKError.noKeyringCouldDecrypt(attempts: attempts)
    }
}
