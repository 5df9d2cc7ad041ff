import AWSCore
import AWSServices
import Foundation
import Testing
import TestSupport

@Suite(.needsMoto)
struct KMSTests {
    let kms: KMSClient
    init() throws { kms = try KMSClient(configuration: Moto.configuration()) }

    @Test func keysEncryptAndDecryptWithContext() async throws {
        let key = try await kms.createKey(description: "tests", tags: ["project": "smsredirect"])
        #expect(key.arn.hasPrefix("arn:aws:kms:us-east-1:"))
        let described = try await kms.describeKey(keyId: key.keyId)
        #expect(described.arn == key.arn)
        #expect(described.description == "tests")
        #expect(described.keyState == "Enabled")

        let context = ["userpool-id": "us-east-1_example"]
        let encrypted = try await kms.encrypt(keyId: key.arn, plaintext: Data("123456".utf8), encryptionContext: context)
        #expect(encrypted.keyId == key.arn)
        let decrypted = try await kms.decrypt(ciphertextBlob: encrypted.ciphertextBlob, keyId: key.arn, encryptionContext: context)
        #expect(decrypted.plaintext == Data("123456".utf8))
        #expect(decrypted.keyId == key.arn)

        // The context is bound to the ciphertext: another one does not decrypt.
        let error = try await #require(throws: AWSError.self) {
            try await kms.decrypt(ciphertextBlob: encrypted.ciphertextBlob, encryptionContext: ["userpool-id": "someone-else"])
        }
        #expect(error.code == "InvalidCiphertextException")
        #expect(error.operation == "Decrypt")
    }

    @Test func generatedDataKeyDecryptsToItsPlaintext() async throws {
        let key = try await kms.createKey()
        let context = ["aws-crypto-public-key": "A1b2", "userpool-id": "us-east-1_x"]
        let dataKey = try await kms.generateDataKey(keyId: key.keyId, numberOfBytes: 32, encryptionContext: context)
        #expect(dataKey.plaintext.count == 32)
        #expect(dataKey.keyId == key.arn)
        let decrypted = try await kms.decrypt(ciphertextBlob: dataKey.ciphertextBlob, keyId: key.arn, encryptionContext: context)
        #expect(decrypted.plaintext == dataKey.plaintext)
    }

    @Test func unknownKeyIsAServiceError() async throws {
        let error = try await #require(throws: AWSError.self) { try await kms.describeKey(keyId: "00000000-0000-0000-0000-000000000000") }
        #expect(error.service == "KMS")
        #expect(error.operation == "DescribeKey")
        #expect(error.statusCode == 400)
        #expect(error.code == "NotFoundException")
        #expect(!error.message.isEmpty)
    }
}
