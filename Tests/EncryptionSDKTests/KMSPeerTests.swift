import AWSCore
import AWSServices
import EncryptionSDKKMS
import Foundation
import Testing
import TestSupport
@testable import EncryptionSDK

/// The Python SDK and this one, both with a KMS key on the moto server, both ways; and the
/// strict keyring's refusal of a message under another key.
@Suite(.serialized, .needsMoto, .needsPython("aws_encryption_sdk", "boto3"))
struct KMSPeerTests {
    let kms: KMSClient
    init() throws { kms = try KMSClient(configuration: Moto.configuration()) }

    static let suites: [AlgorithmSuite] = [.withID(0x0378)!, .withID(0x0578)!, .withID(0x0478)!, .withID(0x0178)!]

    @Test func pythonAndSwiftAgreeOnKMSMessages() async throws {
        let key = try await kms.createKey(description: "esdk peer")
        let context = ["userpool-id": "us-east-1_peer"]
        let contextJSON = String(decoding: try JSONEncoder().encode(context), as: UTF8.self)
        let keyring = try AWSKMSKeyring.strict(keyIds: [key.arn], client: kms)
        var jobs: [PythonPeerTests.Job] = []
        var swiftMessages: [(AlgorithmSuite, Data, Data)] = []
        for suite in Self.suites {
            let plaintext = Data("code-\(suite.id)".utf8)
            jobs.append(
                .init(
                    op: "encrypt", key_kind: "kms", key_file: key.arn, suite: String(format: "0x%04x", suite.id), encryption_context: contextJSON,
                    data: plaintext.base64EncodedString()))
            let policy: CommitmentPolicy = suite.isCommitting ? .requireEncryptRequireDecrypt : .forbidEncryptAllowDecrypt
            let message = try await EncryptionSDKClient(commitmentPolicy: policy).encrypt(plaintext, keyring: keyring, encryptionContext: context, suite: suite)
            swiftMessages.append((suite, plaintext, message))
            jobs.append(.init(op: "decrypt", key_kind: "kms", key_file: key.arn, data: message.base64EncodedString()))
        }
        let results = try await PythonPeerTests.runBatch(jobs)
        for (index, suite) in Self.suites.enumerated() {
            let encrypted = results[2 * index], decrypted = results[2 * index + 1]
            let plaintext = swiftMessages[index].1
            #expect(encrypted.ok, "Python encrypt \(suite.id): \(encrypted.error ?? "")")
            #expect(
                decrypted.ok && decrypted.data.flatMap { Data(base64Encoded: $0) } == plaintext,
                "Python decrypt of Swift's \(suite.id): \(decrypted.error ?? "")")
            if let message = encrypted.data.flatMap({ Data(base64Encoded: $0) }) {
                let result = try await EncryptionSDKClient().decrypt(message, keyring: keyring)
                #expect(result.plaintext == plaintext)
                #expect(result.encryptionContext["userpool-id"] == "us-east-1_peer")
            }
        }
    }

    @Test func strictKeyringRefusesAnotherKeysMessage() async throws {
        let ours = try await kms.createKey(), theirs = try await kms.createKey()
        let message = try await EncryptionSDKClient(commitmentPolicy: .forbidEncryptAllowDecrypt)
            .encrypt(Data("123456".utf8), keyring: try AWSKMSKeyring.strict(keyIds: [theirs.arn], client: kms), suite: .withID(0x0378)!)
        await #expect {
            _ = try await EncryptionSDKClient().decrypt(message, keyring: try AWSKMSKeyring.strict(keyIds: [ours.arn], client: kms))
        } throws: { error in
            if case ESDKError.noKeyringCouldDecrypt = error { return true }
            return false
        }
    }
}
