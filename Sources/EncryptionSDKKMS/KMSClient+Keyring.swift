import AWSServices
import EncryptionSDK
import Foundation

/// The HTTP KMS client as the KMS keyring's client. The keyring always passes the key it is
/// bound to, so KMS itself refuses a ciphertext of any other key.
extension KMSClient: KMSKeyringClient {
    public func decrypt(keyId: String, ciphertextBlob: Data, encryptionContext: [String: String]) async throws -> (plaintext: Data, keyId: String) {
        let output = try await decrypt(ciphertextBlob: ciphertextBlob, keyId: keyId, encryptionContext: encryptionContext)
        return (output.plaintext, output.keyId)
    }

    public func generateDataKey(keyId: String, numberOfBytes: Int, encryptionContext: [String: String]) async throws -> (plaintext: Data, ciphertextBlob: Data, keyId: String) {
        let dataKey: KMSClient.DataKey = try await generateDataKey(keyId: keyId, numberOfBytes: numberOfBytes, encryptionContext: encryptionContext)
        return (dataKey.plaintext, dataKey.ciphertextBlob, dataKey.keyId)
    }

    public func encrypt(keyId: String, plaintext: Data, encryptionContext: [String: String]) async throws -> (ciphertextBlob: Data, keyId: String) {
        let output: KMSClient.EncryptOutput = try await encrypt(keyId: keyId, plaintext: plaintext, encryptionContext: encryptionContext)
        return (output.ciphertextBlob, output.keyId)
    }
}
