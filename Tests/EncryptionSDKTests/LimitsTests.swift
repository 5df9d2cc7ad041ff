import Foundation
import Testing
import TestSupport
@testable import EncryptionSDK

@Suite("Limits and hostile input", .tags(.unit))
struct LimitsTests {
    func cognitoLike() async throws -> [UInt8] {
        [UInt8](
            try await EncryptionSDKClient(commitmentPolicy: .forbidEncryptAllowDecrypt)
                .encrypt(
                    Data("123456".utf8), keyring: try testAESKeyring(), encryptionContext: ["userpool-id": "us-east-1_X"],
                    suite: .aes256GcmIv12Tag16HkdfSha384EcdsaP384))
    }

    @Test("maximum number of EDKs: parsing stops at the count")
    func maxEDKs() async throws {
        let a = try testAESKeyring()
        let b = try RawAESKeyring(keyNamespace: "test-ns", keyName: "second", wrappingKey: Data(repeating: 3, count: 32))
        let message = try await EncryptionSDKClient().encrypt(Data("1".utf8), keyring: MultiKeyring(generator: a, children: [b]))
        await #expect(throws: ESDKError.tooManyEncryptedDataKeys(count: 2, maximum: 1)) {
            try await EncryptionSDKClient(maxEncryptedDataKeys: 1).decrypt(message, keyring: a)
        }
        #expect(try await EncryptionSDKClient(maxEncryptedDataKeys: 2).decrypt(message, keyring: b).plaintext == Data("1".utf8))
        // Fail before reading the (absent) EDKs: a header cut right after the count still says "too many".
        let h = try MessageHeader.parse([UInt8](message))
        let cut = Array([UInt8](message)[0..<(h.encryptionContextRange.upperBound + 2)])
        #expect(throws: ESDKError.tooManyEncryptedDataKeys(count: 2, maximum: 1)) {
            try MessageHeader.parse(cut, maxEncryptedDataKeys: 1)
        }
    }

    @Test("a final-frame length claim beyond the frame length or the input is refused before allocating")
    func hugeClaims() async throws {
        var m = try await cognitoLike()
        let h = try MessageHeader.parse(m)
        let lengthAt = h.headerLength + 4 + 4 + 12
        m[lengthAt] = 0x7F  // claim ~2 GiB in the final frame
        await #expect(throws: ESDKError.lengthExceedsLimit(field: "final frame content", length: 0x7F00_0006, limit: 4096)) {
            try await EncryptionSDKClient().decrypt(m, keyring: try testAESKeyring())
        }
        // Non-framed: a content length near 2^36 is over the limit; one under it but past the input is truncated.
        let nf = [UInt8](
            try await EncryptionSDKClient().encrypt(
                Data("abc".utf8), keyring: try testAESKeyring(),
                suite: .aes256GcmHkdfSha512CommitKey, frameLength: 0))
        let nh = try MessageHeader.parse(nf)
        var big = nf
        for i in 0..<8 { big[nh.headerLength + 12 + i] = 0xFF }
        await #expect(throws: ESDKError.self) { try await EncryptionSDKClient().decrypt(big, keyring: try testAESKeyring()) }
        var past = nf
        past[nh.headerLength + 12 + 3] = 0x01  // 2^32 + 3 bytes claimed
        await #expect {
            try await EncryptionSDKClient().decrypt(past, keyring: try testAESKeyring())
        } throws: { e in
            if case ESDKError.truncatedBody = e { return true } else { return false }
        }
    }

    @Test("every prefix and every single-byte change of a Cognito-shaped message fails cleanly")
    func everyPrefixAndFlip() async throws {
        let m = try await cognitoLike()
        let keyring = try testAESKeyring()
        for n in 0..<m.count {
            await #expect(throws: ESDKError.self) { try await EncryptionSDKClient().decrypt(Array(m[0..<n]), keyring: keyring) }
        }
        for i in stride(from: 0, to: m.count, by: 3) {
            var t = m
            t[i] ^= 0x01 << UInt8(i % 8)
            await #expect(throws: ESDKError.self, "flip at \(i)") { try await EncryptionSDKClient().decrypt(t, keyring: keyring) }
        }
        await #expect(throws: ESDKError.trailingBytes(count: 1)) {
            try await EncryptionSDKClient().decrypt(m + [0], keyring: keyring)
        }
    }

    @Test("header errors name the field")
    func headerErrors() throws {
        #expect(throws: ESDKError.truncatedHeader(field: "version", offset: 0, needed: 1)) { try MessageHeader.parse([]) }
        #expect(throws: ESDKError.unsupportedVersion(3)) { try MessageHeader.parse([3]) }
        #expect(throws: ESDKError.unknownSuite(0x0999)) { try MessageHeader.parse([1, 0x80, 0x09, 0x99]) }
        #expect(throws: ESDKError.suiteVersionMismatch(suite: 0x0578, version: 1)) { try MessageHeader.parse([1, 0x80, 0x05, 0x78]) }
        #expect(throws: ESDKError.truncatedHeader(field: "message id", offset: 4, needed: 16)) {
            try MessageHeader.parse([1, 0x80, 0x03, 0x78, 0])
        }
    }
}
