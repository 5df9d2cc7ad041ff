import AWSServices
import EncryptionSDK
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The HTTP KMS client as the KMS keyring's client. The keyring always passes the key it is
/// bound to, so KMS itself refuses a ciphertext of any other key.
extension KMSClient: KMSKeyringClient {
    /// Decrypts an encrypted data key with KMS Decrypt, naming `keyId` so KMS refuses any other key.
    public func decrypt(keyId: String, ciphertextBlob: Data, encryptionContext: [String: String]) async throws -> (plaintext: Data, keyId: String) {
        let output = try await decrypt(ciphertextBlob: ciphertextBlob, keyId: keyId, encryptionContext: encryptionContext)
        return (output.plaintext, output.keyId)
    }

    /// Creates a data key with KMS GenerateDataKey, in plaintext and encrypted under `keyId`.
    public func generateDataKey(keyId: String, numberOfBytes: Int, encryptionContext: [String: String]) async throws -> (
        plaintext: Data, ciphertextBlob: Data, keyId: String
    ) {
        let dataKey: KMSClient.DataKey = try await generateDataKey(keyId: keyId, numberOfBytes: numberOfBytes, encryptionContext: encryptionContext)
        return (dataKey.plaintext, dataKey.ciphertextBlob, dataKey.keyId)
    }

    /// Encrypts a data key that an earlier keyring generated, with KMS Encrypt under `keyId`.
    public func encrypt(keyId: String, plaintext: Data, encryptionContext: [String: String]) async throws -> (ciphertextBlob: Data, keyId: String) {
        let output: KMSClient.EncryptOutput = try await encrypt(keyId: keyId, plaintext: plaintext, encryptionContext: encryptionContext)
        return (output.ciphertextBlob, output.keyId)
    }
}
