import Crypto
import Foundation
@testable import EncryptionSDK

/// A test double for AWS KMS, used only by this package's keyring tests (real KMS tests run
/// against moto in the main package). A "ciphertext blob" is arn-length ‖ arn ‖ IV ‖ AES-GCM
/// ciphertext ‖ tag, bound to the encryption context like KMS binds it.
actor InMemoryKMSForKeyringTests: KMSKeyringClient {
    struct Call: Equatable { let op: String; let keyId: String; let encryptionContext: [String: String] }
    enum Failure: Error { case notFound(String), invalidCiphertext, incorrectKey }

    private let keys: [String: SymmetricKey]
    private(set) var calls: [Call] = []

    init(keys: [String: SymmetricKey]) { self.keys = keys }

    func recordedCalls() -> [Call] { calls }

    private func seal(_ plaintext: Data, arn: String, context: [String: String]) throws -> Data {
        guard let key = keys[arn] else { throw Failure.notFound(arn) }
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: try EncryptionContextCodec.serialize(context))
        let arnBytes = Data(arn.utf8)
        return Data([UInt8(arnBytes.count >> 8), UInt8(arnBytes.count & 0xFF)]) + arnBytes + box.combined!
    }

    func decrypt(keyId: String, ciphertextBlob: Data, encryptionContext: [String: String]) async throws -> (plaintext: Data, keyId: String) {
        calls.append(Call(op: "Decrypt", keyId: keyId, encryptionContext: encryptionContext))
        let blob = [UInt8](ciphertextBlob)
        guard blob.count > 2 else { throw Failure.invalidCiphertext }
        let n = Int(blob[0]) << 8 | Int(blob[1])
        guard blob.count > 2 + n else { throw Failure.invalidCiphertext }
        let arn = String(decoding: blob[2..<(2 + n)], as: UTF8.self)
        guard arn == keyId else { throw Failure.incorrectKey }
        guard let key = keys[arn] else { throw Failure.notFound(arn) }
        let box = try AES.GCM.SealedBox(combined: blob[(2 + n)...])
        let plain = try AES.GCM.open(box, using: key, authenticating: try EncryptionContextCodec.serialize(encryptionContext))
        return (plain, arn)
    }

    func generateDataKey(keyId: String, numberOfBytes: Int, encryptionContext: [String: String]) async throws -> (
        plaintext: Data, ciphertextBlob: Data, keyId: String
    ) {
        calls.append(Call(op: "GenerateDataKey", keyId: keyId, encryptionContext: encryptionContext))
        let plain = SymmetricKey(size: .init(bitCount: numberOfBytes * 8)).withUnsafeBytes { Data($0) }
        return (plain, try seal(plain, arn: keyId, context: encryptionContext), keyId)
    }

    func encrypt(keyId: String, plaintext: Data, encryptionContext: [String: String]) async throws -> (ciphertextBlob: Data, keyId: String) {
        calls.append(Call(op: "Encrypt", keyId: keyId, encryptionContext: encryptionContext))
        return (try seal(plaintext, arn: keyId, context: encryptionContext), keyId)
    }
}
