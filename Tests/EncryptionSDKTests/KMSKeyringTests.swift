import Crypto
import Foundation
import Testing
import TestSupport
@testable import EncryptionSDK

@Suite("AWS KMS strict keyring", .tags(.unit))
struct KMSKeyringTests {
    static let arnA = "arn:aws:kms:us-east-1:111122223333:key/aaaaaaaa-0000-0000-0000-000000000001"
    static let arnB = "arn:aws:kms:us-east-1:111122223333:key/bbbbbbbb-0000-0000-0000-000000000002"
    static let cognitoContext = ["userpool-id": "us-east-1_EXAMPLE"]

    func kms() -> InMemoryKMSForKeyringTests {
        InMemoryKMSForKeyringTests(keys: [Self.arnA: SymmetricKey(size: .bits256), Self.arnB: SymmetricKey(size: .bits256)])
    }

    @Test("Cognito-shaped 0x0378 message round-trips; Decrypt gets our KeyId and the message context")
    func cognitoShape() async throws {
        let kms = kms()
        let keyring = try AWSKMSKeyring(keyId: Self.arnA, client: kms)
        let sdk = EncryptionSDKClient(commitmentPolicy: .forbidEncryptAllowDecrypt)
        let message = try await sdk.encrypt(
            Data("482913".utf8), keyring: keyring, encryptionContext: Self.cognitoContext,
            suite: .aes256GcmIv12Tag16HkdfSha384EcdsaP384, frameLength: 4096)
        // The shape Cognito sends: v1, 0x0378, one aws-kms EDK naming the key ARN, framed 4096,
        // context {aws-crypto-public-key, userpool-id}; base64 starts with "AYADe".
        #expect(message.base64EncodedString().hasPrefix("AYADe"))
        let h = try MessageHeader.parse([UInt8](message))
        #expect(h.version == 1 && h.suite.id == 0x0378 && h.frameLength == 4096 && h.contentType == .framed)
        #expect(h.encryptedDataKeys.count == 1 && h.encryptedDataKeys[0].providerID == "aws-kms")
        #expect(h.encryptedDataKeys[0].providerInfo == Data(Self.arnA.utf8))
        #expect(Set(h.encryptionContext.keys) == ["aws-crypto-public-key", "userpool-id"])
        #expect(h.headerIV == [UInt8](repeating: 0, count: 12))

        let result = try await EncryptionSDKClient().decrypt(message, keyring: keyring)
        #expect(result.plaintext == Data("482913".utf8))
        let decryptCalls = await kms.recordedCalls().filter { $0.op == "Decrypt" }
        #expect(decryptCalls == [.init(op: "Decrypt", keyId: Self.arnA, encryptionContext: h.encryptionContext)])
    }

    @Test("an EDK for another key is skipped, never sent to KMS")
    func otherKeySkipped() async throws {
        let kms = kms()
        let message = try await EncryptionSDKClient().encrypt(Data("1".utf8), keyring: try AWSKMSKeyring(keyId: Self.arnB, client: kms))
        let before = await kms.recordedCalls().count
        let onlyA = try AWSKMSKeyring(keyId: Self.arnA, client: kms)
        await #expect {
            try await EncryptionSDKClient().decrypt(message, keyring: onlyA)
        } throws: { error in
            guard case ESDKError.noKeyringCouldDecrypt(let attempts) = error else { return false }
            return attempts.contains { $0.description.contains("no EDK for this key") }
        }
        #expect(await kms.recordedCalls().count == before, "no KMS call for a foreign EDK")
    }

    @Test("strict multi-key keyring wraps under every key and each key alone decrypts")
    func strictMultiKey() async throws {
        let kms = kms()
        let both = try AWSKMSKeyring.strict(keyIds: [Self.arnA, Self.arnB], client: kms)
        let message = try await EncryptionSDKClient().encrypt(Data("abc".utf8), keyring: both, encryptionContext: Self.cognitoContext)
        #expect(try MessageHeader.parse([UInt8](message)).encryptedDataKeys.count == 2)
        for arn in [Self.arnB, Self.arnA] {
            let r = try await EncryptionSDKClient().decrypt(message, keyring: try AWSKMSKeyring(keyId: arn, client: kms))
            #expect(r.plaintext == Data("abc".utf8))
        }
    }

    @Test("a KMS answer naming a different key is rejected")
    func wrongKeyIdInResponse() async throws {
        struct LyingKMS: KMSKeyringClient {
            func decrypt(keyId: String, ciphertextBlob: Data, encryptionContext: [String: String]) async throws -> (plaintext: Data, keyId: String) {
                (Data(repeating: 1, count: 32), KMSKeyringTests.arnB)
            }
            func generateDataKey(keyId: String, numberOfBytes: Int, encryptionContext: [String: String]) async throws -> (
                plaintext: Data, ciphertextBlob: Data, keyId: String
            ) {
                (Data(repeating: 1, count: numberOfBytes), Data([1, 2, 3]), keyId)
            }
            func encrypt(keyId: String, plaintext: Data, encryptionContext: [String: String]) async throws -> (ciphertextBlob: Data, keyId: String) {
                (Data([1]), keyId)
            }
        }
        let keyring = try AWSKMSKeyring(keyId: Self.arnA, client: LyingKMS())
        let message = try await EncryptionSDKClient().encrypt(Data("x".utf8), keyring: keyring)
        await #expect(throws: ESDKError.self) { try await EncryptionSDKClient().decrypt(message, keyring: keyring) }
    }
}
