import Crypto
import Foundation
import Testing
import TestSupport
@testable import EncryptionSDK

func policy(for suite: AlgorithmSuite) -> CommitmentPolicy {
    suite.isCommitting ? .requireEncryptRequireDecrypt : .forbidEncryptAllowDecrypt
}

func testAESKeyring(bytes: Int = 32) throws -> RawAESKeyring {
    try RawAESKeyring(keyNamespace: "test-ns", keyName: "test-key", wrappingKey: Data((0..<bytes).map { UInt8($0) }))
}

func vectorRSAKeyring(_ padding: RawRSAKeyring.Padding) throws -> RawRSAKeyring {
    let keys = try VectorKeys(url: TestPaths.esdkVectors.appendingPathComponent("python-generated/keys.json"))
    return try RawRSAKeyring(
        keyNamespace: "test-ns", keyName: "rsa", padding: padding,
        privateKeyPEM: keys.keys["rsa-4096-private"]!.material)
}

@Suite("Encrypt/decrypt round trips", .tags(.unit))
struct RoundTripTests {
    @Test("every suite, framed (several sizes) and non-framed, raw AES", arguments: AlgorithmSuite.all)
    func everySuite(suite: AlgorithmSuite) async throws {
        let sdk = EncryptionSDKClient(commitmentPolicy: policy(for: suite))
        let keyring = try testAESKeyring(bytes: suite.keyLength)
        for (length, frame) in [(0, 4096), (6, 4096), (512, 512), (1500, 512), (1000, 0)] as [(Int, UInt32)] {
            let plaintext = Data((0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7) })
            let message = try await sdk.encrypt(
                plaintext, keyring: keyring, encryptionContext: ["purpose": "test"],
                suite: suite, frameLength: frame)
            let h = try MessageHeader.parse([UInt8](message))
            #expect(h.suite == suite && h.version == suite.messageFormatVersion && h.frameLength == frame)
            #expect((h.encryptionContext["aws-crypto-public-key"] != nil) == suite.isSigned)
            let r = try await EncryptionSDKClient().decrypt(message, keyring: keyring)
            #expect(r.plaintext == plaintext, "suite \(suite) length \(length) frame \(frame)")
        }
    }

    @Test("raw RSA, every padding", arguments: RawRSAKeyring.Padding.allCases)
    func rsa(padding: RawRSAKeyring.Padding) async throws {
        let keyring = try vectorRSAKeyring(padding)
        let message = try await EncryptionSDKClient().encrypt(Data("654321".utf8), keyring: keyring)
        #expect(try await EncryptionSDKClient().decrypt(message, keyring: keyring).plaintext == Data("654321".utf8))
        // The other paddings must not unwrap it.
        for other in RawRSAKeyring.Padding.allCases where other != padding {
            await #expect(throws: ESDKError.self) {
                try await EncryptionSDKClient().decrypt(message, keyring: try vectorRSAKeyring(other))
            }
        }
    }

    @Test("commitment policy: default accepts 0x0378, requireEncryptRequireDecrypt refuses it, encrypt is gated")
    func commitmentPolicy() async throws {
        let keyring = try testAESKeyring()
        let m0378 = try await EncryptionSDKClient(commitmentPolicy: .forbidEncryptAllowDecrypt)
            .encrypt(Data("1".utf8), keyring: keyring, suite: .aes256GcmIv12Tag16HkdfSha384EcdsaP384)
        #expect(EncryptionSDKClient().commitmentPolicy == .requireEncryptAllowDecrypt)
        _ = try await EncryptionSDKClient().decrypt(m0378, keyring: keyring)
        await #expect(throws: ESDKError.commitmentPolicyViolation(suite: 0x0378, policy: .requireEncryptRequireDecrypt)) {
            try await EncryptionSDKClient(commitmentPolicy: .requireEncryptRequireDecrypt).decrypt(m0378, keyring: keyring)
        }
        await #expect(throws: ESDKError.commitmentPolicyViolation(suite: 0x0378, policy: .requireEncryptAllowDecrypt)) {
            try await EncryptionSDKClient().encrypt(Data(), keyring: keyring, suite: .aes256GcmIv12Tag16HkdfSha384EcdsaP384)
        }
        await #expect(throws: ESDKError.commitmentPolicyViolation(suite: 0x0578, policy: .forbidEncryptAllowDecrypt)) {
            try await EncryptionSDKClient(commitmentPolicy: .forbidEncryptAllowDecrypt).encrypt(Data(), keyring: keyring)
        }
    }

    @Test("wrong key, tampered commit key, tampered signature and reproduced context are caught by name")
    func typedFailures() async throws {
        let keyring = try testAESKeyring()
        let message = [UInt8](
            try await EncryptionSDKClient().encrypt(
                Data("secret".utf8), keyring: keyring,
                encryptionContext: ["a": "1"]))
        let h = try MessageHeader.parse(message)
        var badCommit = message
        badCommit[h.headerBodyLength - 1] ^= 1  // last byte of the v2 commit key
        await #expect(throws: ESDKError.commitmentMismatch) {
            try await EncryptionSDKClient().decrypt(badCommit, keyring: keyring)
        }
        var badSig = message
        badSig[badSig.count - 3] ^= 0x40
        await #expect(throws: ESDKError.self) { try await EncryptionSDKClient().decrypt(badSig, keyring: keyring) }
        var badTag = message
        badTag[h.headerLength + 4 + 4 + 12 + 4 + 2] ^= 1  // inside the final frame's ciphertext
        await #expect(throws: ESDKError.tagMismatch(sequenceNumber: 1)) {
            try await EncryptionSDKClient().decrypt(badTag, keyring: keyring)
        }
        await #expect(throws: ESDKError.encryptionContextMismatch(key: "a")) {
            try await EncryptionSDKClient().decrypt(message, keyring: keyring, encryptionContext: ["a": "2"])
        }
        let other = try RawAESKeyring(keyNamespace: "test-ns", keyName: "test-key", wrappingKey: Data(repeating: 9, count: 32))
        await #expect {
            try await EncryptionSDKClient().decrypt(message, keyring: other)
        } throws: { error in
            if case ESDKError.noKeyringCouldDecrypt = error { return true } else { return false }
        }
        await #expect(throws: ESDKError.signedMessageRejected(suite: 0x0578)) {
            try await EncryptionSDKClient().decrypt(message, keyring: keyring, unsignedOnly: true)
        }
        await #expect(throws: ESDKError.reservedEncryptionContextKey("aws-crypto-x")) {
            try await EncryptionSDKClient().encrypt(Data(), keyring: keyring, encryptionContext: ["aws-crypto-x": "1"])
        }
    }

    @Test("required (reproduced-only) encryption context is authenticated but not stored")
    func requiredContext() async throws {
        // Build a message whose header auth covers a pair that is not in the header, as the
        // Required-EC CMM does, by checking decrypt refuses without it and with a wrong value.
        let keyring = try testAESKeyring()
        let message = try await EncryptionSDKClient().encrypt(Data("x".utf8), keyring: keyring, encryptionContext: ["k": "v"])
        await #expect(throws: ESDKError.self) {
            // An extra reproduced pair changes the header-auth AAD and the wrapping AAD.
            try await EncryptionSDKClient().decrypt(message, keyring: keyring, encryptionContext: ["k": "v", "extra": "1"])
        }
        #expect(try await EncryptionSDKClient().decrypt(message, keyring: keyring, encryptionContext: ["k": "v"]).plaintext == Data("x".utf8))
    }
}
