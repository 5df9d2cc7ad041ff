import Crypto
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The three AWS KMS operations the KMS keyring needs. The project's HTTP KMS client
/// conforms to this; tests use an in-memory double.
public protocol KMSKeyringClient: Sendable {
    func decrypt(keyId: String, ciphertextBlob: Data, encryptionContext: [String: String]) async throws -> (plaintext: Data, keyId: String)
    func generateDataKey(keyId: String, numberOfBytes: Int, encryptionContext: [String: String]) async throws -> (
        plaintext: Data, ciphertextBlob: Data, keyId: String
    )
    func encrypt(keyId: String, plaintext: Data, encryptionContext: [String: String]) async throws -> (ciphertextBlob: Data, keyId: String)
}

/// A strict AWS KMS keyring bound to one KMS key (framework/aws-kms/aws-kms-keyring.md).
///
/// On decrypt it only considers EDKs whose provider ID is `aws-kms` and whose provider info
/// is exactly its configured key ARN; any other EDK is skipped without a KMS call. KMS
/// Decrypt is always called with the configured `KeyId` and the message's encryption context.
public struct AWSKMSKeyring: Keyring {
    /// The EDK provider ID this keyring writes and is the only one it decrypts.
    public static let providerID = "aws-kms"

    /// The KMS key ARN this keyring wraps with and the exact EDK provider info it accepts on decrypt.
    public let keyId: String
    private let client: any KMSKeyringClient

    /// A keyring for one KMS key, calling KMS through `client`.
    /// - Throws: `ESDKError.invalidKeyringConfiguration` for an empty key ID or one over 2048 bytes.
    public init(keyId: String, client: any KMSKeyringClient) throws {
        guard !keyId.isEmpty, keyId.utf8.count <= 2048 else {
            throw ESDKError.invalidKeyringConfiguration("AWS KMS key identifier must be non-empty")
        }
        self.keyId = keyId
        self.client = client
    }

    /// A keyring for several keys: the first generates the data key, every key wraps it, and
    /// on decrypt only these exact key ARNs are tried, in order.
    public static func strict(keyIds: [String], client: any KMSKeyringClient) throws -> MultiKeyring {
        guard let first = keyIds.first else {
            throw ESDKError.invalidKeyringConfiguration("strict AWS KMS keyring needs at least one key ARN")
        }
        return MultiKeyring(
            generator: try AWSKMSKeyring(keyId: first, client: client),
            children: try keyIds.dropFirst().map { try AWSKMSKeyring(keyId: $0, client: client) })
    }

    /// Calls KMS GenerateDataKey when the materials have no data key yet, otherwise KMS Encrypt on it,
    /// and adds an `aws-kms` EDK naming the key ARN KMS answered with.
    /// - Throws: `ESDKError.keyringFailure` when KMS returns an invalid key ARN,
    ///   `ESDKError.invalidDataKeyLength` for a generated key of the wrong length, or the client's error.
    public func onEncrypt(_ materials: EncryptionMaterials) async throws -> EncryptionMaterials {
        var m = materials
        let keyLength = m.suite.keyLength
        if let dataKey = m.plaintextDataKey {
            let r = try await client.encrypt(keyId: keyId, plaintext: Data(dataKey.bytes), encryptionContext: m.encryptionContext)
            guard KMSARN.isValid(r.keyId) else { throw ESDKError.keyringFailure("KMS Encrypt returned an invalid key ARN") }
            m.encryptedDataKeys.append(EncryptedDataKey(providerID: Self.providerID, providerInfo: Data(r.keyId.utf8), ciphertext: r.ciphertextBlob))
        } else {
            let r = try await client.generateDataKey(keyId: keyId, numberOfBytes: keyLength, encryptionContext: m.encryptionContext)
            guard r.plaintext.count == keyLength else {
                throw ESDKError.invalidDataKeyLength(expected: keyLength, found: r.plaintext.count)
            }
            guard KMSARN.isValid(r.keyId) else { throw ESDKError.keyringFailure("KMS GenerateDataKey returned an invalid key ARN") }
            m.plaintextDataKey = SymmetricKey(data: r.plaintext)
            m.encryptedDataKeys.append(EncryptedDataKey(providerID: Self.providerID, providerInfo: Data(r.keyId.utf8), ciphertext: r.ciphertextBlob))
        }
        return m
    }

    /// Calls KMS Decrypt for each `aws-kms` EDK naming exactly ``keyId`` until one yields a data key of the
    /// suite's length from that same key.
    /// - Throws: `ESDKError.noKeyringCouldDecrypt` with each attempt when no EDK unwraps, or
    ///   `ESDKError.invalidKeyringConfiguration` when the materials already hold a data key.
    public func onDecrypt(_ materials: DecryptionMaterials, encryptedDataKeys: [EncryptedDataKey]) async throws -> DecryptionMaterials {
        guard materials.plaintextDataKey == nil else {
            throw ESDKError.invalidKeyringConfiguration("decryption materials already hold a data key")
        }
        var attempts: [KeyringAttempt] = []
        let configured = Data(keyId.utf8)
        for edk in encryptedDataKeys where edk.providerID == Self.providerID {
            // Only an EDK naming exactly our key is sent to KMS; anything else is skipped.
            guard edk.providerInfo == configured, KMSARN.isValid(keyId) else { continue }
            do {
                let r = try await client.decrypt(
                    keyId: keyId, ciphertextBlob: edk.ciphertext,
                    encryptionContext: materials.encryptionContext)
                guard r.keyId == keyId else {
                    attempts.append("aws-kms \(keyId): KMS answered for a different key")
                    continue
                }
                guard r.plaintext.count == materials.suite.keyLength else {
                    attempts.append("aws-kms \(keyId): data key has length \(r.plaintext.count)")
                    continue
                }
                var m = materials
                m.plaintextDataKey = SymmetricKey(data: r.plaintext)
                return m
            } catch {
                attempts.append(KeyringAttempt("aws-kms \(keyId): \(error)", underlying: error))
            }
        }
        if attempts.isEmpty { attempts.append("aws-kms \(keyId): no EDK for this key") }
        throw ESDKError.noKeyringCouldDecrypt(attempts: attempts)
    }
}

/// Minimal KMS ARN validation (framework/aws-kms/aws-kms-key-arn.md).
enum KMSARN {
    static func isValid(_ s: String) -> Bool {
        let parts = s.split(separator: ":", maxSplits: 5, omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "arn", !parts[1].isEmpty, parts[2] == "kms",
            !parts[3].isEmpty, !parts[4].isEmpty
        else { return false }
        let resource = parts[5].split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard resource.count == 2, resource[0] == "key" || resource[0] == "alias", !resource[1].isEmpty else { return false }
        return true
    }
}
