import Crypto
import _CryptoExtras
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Wraps data keys with a local RSA key (framework/raw-rsa-keyring.md).
///
/// EDK layout: provider ID = key namespace, provider info = key name, ciphertext = the
/// RSA-encrypted data key. A keyring with only a public key can encrypt but not decrypt.
///
/// `@unchecked`: the RSA key types are immutable wrappers over BoringSSL keys, whose
/// operations are thread-safe; swift-crypto 3 does not mark them Sendable.
public struct RawRSAKeyring: Keyring, @unchecked Sendable {
    /// The RSA encryption padding schemes the ESDK supports.
    public enum Padding: String, Sendable, CaseIterable {
        case pkcs1V15 = "pkcs1"
        case oaepSHA1 = "oaep-sha1"
        case oaepSHA256 = "oaep-sha256"
        case oaepSHA384 = "oaep-sha384"
        case oaepSHA512 = "oaep-sha512"
    }

    /// The EDK provider ID this keyring writes and matches; must not start with `aws-kms`.
    public let keyNamespace: String
    /// The EDK provider info (as UTF-8) this keyring writes and matches.
    public let keyName: String
    /// The RSA padding used to wrap and unwrap; it must match the one the message was encrypted with.
    public let padding: Padding
    private let publicKey: _RSA.Encryption.PublicKey?
    private let privateKey: _RSA.Encryption.PrivateKey?
    /// Raw private operation for the paddings BoringSSL does not apply for us.
    private let rawPrivate: _RSA.BlindSigning.PrivateKey<SHA384>?
    private let rawPublic: RSAPublicOperation?

    /// - Parameters:
    ///   - publicKeyPEM: SPKI or PKCS#1 PEM; derived from the private key if omitted.
    ///   - privateKeyPEM: PKCS#8 or PKCS#1 PEM; without it the keyring cannot decrypt.
    public init(
        keyNamespace: String, keyName: String, padding: Padding,
        publicKeyPEM: String? = nil, privateKeyPEM: String? = nil
    ) throws {
        guard !keyNamespace.hasPrefix("aws-kms") else {
            throw ESDKError.invalidKeyringConfiguration("raw keyring namespace must not start with aws-kms")
        }
        guard publicKeyPEM != nil || privateKeyPEM != nil else {
            throw ESDKError.invalidKeyringConfiguration("raw RSA keyring needs a public or a private key")
        }
        self.keyNamespace = keyNamespace
        self.keyName = keyName
        self.padding = padding
        do {
            let priv = try privateKeyPEM.map { try _RSA.Encryption.PrivateKey(pemRepresentation: $0) }
            self.privateKey = priv
            self.publicKey = try publicKeyPEM.map { try _RSA.Encryption.PublicKey(pemRepresentation: $0) } ?? priv?.publicKey
            switch padding {
            case .oaepSHA1, .oaepSHA256:
                self.rawPrivate = nil
                self.rawPublic = nil
            case .pkcs1V15, .oaepSHA384, .oaepSHA512:
                self.rawPrivate = try privateKeyPEM.map { try _RSA.BlindSigning.PrivateKey<SHA384>(pemRepresentation: $0) }
                if let pub = self.publicKey {
                    let p = try pub.getKeyPrimitives()
                    self.rawPublic = try RSAPublicOperation(modulus: [UInt8](p.modulus), exponent: [UInt8](p.publicExponent))
                } else {
                    self.rawPublic = nil
                }
            }
        } catch let e as ESDKError {
            throw e
        } catch {
            throw ESDKError.invalidKeyringConfiguration("cannot load RSA key: \(error)")
        }
    }

    /// Generates a data key if the materials have none, and adds an EDK with it RSA-encrypted under the public key.
    /// - Throws: `ESDKError.invalidKeyringConfiguration` without a public key; `ESDKError.keyringFailure`
    ///   when RSA encryption fails.
    public func onEncrypt(_ materials: EncryptionMaterials) async throws -> EncryptionMaterials {
        guard let publicKey else { throw ESDKError.invalidKeyringConfiguration("raw RSA keyring has no public key") }
        var m = materials
        let dataKey = m.plaintextDataKey ?? SymmetricKey(size: .init(bitCount: m.suite.keyLength * 8))
        let plain = dataKey.bytes
        let wrapped: [UInt8]
        do {
            switch padding {
            case .oaepSHA1: wrapped = [UInt8](try publicKey.encrypt(plain, padding: .PKCS1_OAEP))
            case .oaepSHA256: wrapped = [UInt8](try publicKey.encrypt(plain, padding: .PKCS1_OAEP_SHA256))
            case .oaepSHA384, .oaepSHA512, .pkcs1V15:
                guard let rawPublic else { throw ESDKError.invalidKeyringConfiguration("no RSA public operation") }
                let k = rawPublic.modulusLength
                let em: [UInt8]
                switch padding {
                case .oaepSHA384: em = try RSAPadding.oaepEncode(SHA384.self, message: plain, modulusLength: k)
                case .oaepSHA512: em = try RSAPadding.oaepEncode(SHA512.self, message: plain, modulusLength: k)
                default: em = try RSAPadding.pkcs1Encode(message: plain, modulusLength: k)
                }
                wrapped = rawPublic.apply(em)
            }
        } catch let e as ESDKError {
            throw e
        } catch {
            throw ESDKError.keyringFailure("RSA encryption failed: \(error)")
        }
        m.plaintextDataKey = dataKey
        m.encryptedDataKeys.append(
            EncryptedDataKey(
                providerID: keyNamespace, providerInfo: Data(keyName.utf8),
                ciphertext: Data(wrapped)))
        return m
    }

    /// Decrypts the first EDK with this keyring's namespace and name that unwraps to a key of the suite's length.
    /// - Throws: `ESDKError.noKeyringCouldDecrypt` without a private key or when no matching EDK unwraps.
    public func onDecrypt(_ materials: DecryptionMaterials, encryptedDataKeys: [EncryptedDataKey]) async throws -> DecryptionMaterials {
        guard materials.plaintextDataKey == nil else {
            throw ESDKError.invalidKeyringConfiguration("decryption materials already hold a data key")
        }
        let label = "raw RSA \(keyNamespace)/\(keyName)"
        guard privateKey != nil else {
            throw ESDKError.noKeyringCouldDecrypt(attempts: ["\(label): no private key"])
        }
        var attempts: [KeyringAttempt] = []
        let nameBytes = Data(keyName.utf8)
        for edk in encryptedDataKeys where edk.providerID == keyNamespace && edk.providerInfo == nameBytes {
            if let key = try? unwrap([UInt8](edk.ciphertext), keyLength: materials.suite.keyLength),
                key.count == materials.suite.keyLength
            {
                var m = materials
                m.plaintextDataKey = SymmetricKey(data: key)
                return m
            }
            attempts.append("\(label): unwrap failed")
        }
        if attempts.isEmpty { attempts.append("\(label): no matching EDK") }
        throw ESDKError.noKeyringCouldDecrypt(attempts: attempts)
    }

    private func unwrap(_ ciphertext: [UInt8], keyLength: Int) throws -> [UInt8] {
        switch padding {
        case .oaepSHA1: return [UInt8](try privateKey!.decrypt(ciphertext, padding: .PKCS1_OAEP))
        case .oaepSHA256: return [UInt8](try privateKey!.decrypt(ciphertext, padding: .PKCS1_OAEP_SHA256))
        case .oaepSHA384, .oaepSHA512, .pkcs1V15:
            guard let rawPrivate else { throw ESDKError.keyringFailure("no raw RSA private operation") }
            // RSA_sign_raw with no padding: c^d mod n (blinded by BoringSSL). It requires
            // exactly k input bytes and rejects c ≥ n.
            let em = [UInt8](try rawPrivate.blindSignature(for: ciphertext).rawRepresentation)
            switch padding {
            case .oaepSHA384: return try RSAPadding.oaepDecode(SHA384.self, encoded: em)
            case .oaepSHA512: return try RSAPadding.oaepDecode(SHA512.self, encoded: em)
            default: return try RSAPadding.pkcs1Decode(encoded: em, expectedLength: keyLength)
            }
        }
    }
}
