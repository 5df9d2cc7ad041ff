import AWSCore
import Foundation
import Testing
import TestSupport
@testable import EncryptionSDK
import RedirectClient

/// The real (incomplete) Cognito ciphertexts: their headers must parse to exactly what
/// vectors/cognito/expected-headers.json records, through the API and through the CLI formatter.
@Suite("Cognito ciphertext headers", .tags(.unit))
struct CognitoHeaderTests {
    static var expected: [String: JSONValue] {
        let url = TestPaths.cognitoVectors.appendingPathComponent("expected-headers.json")
        return (try? JSONValue(data: Data(contentsOf: url)))?.objectValue ?? [:]
    }

    static func message(_ file: String) throws -> [UInt8] {
        let text = String(decoding: try Data(contentsOf: TestPaths.cognitoVectors.appendingPathComponent(file)), as: UTF8.self)
        return try CodeMessage.decodeInput(text)
    }

    @Test(
        "header fields match expected-headers.json",
        arguments: [
            "yorlin2s-custom-email-sender-signup.event.json",
            "aws-sdk-rust-1250.code-prefix.json",
            "localstack-9348.emulated.code.json",
        ])
    func headerMatches(file: String) throws {
        let exp = try #require(Self.expected[file])
        let bytes = try Self.message(file)
        #expect(bytes.count == exp["decoded_bytes"]?.intValue)
        let h = try MessageHeader.parse(bytes)
        #expect(Int(h.version) == exp["message_format_version"]?.intValue)
        #expect("0x" + hex16(h.suite.id) == exp["algorithm_suite_id"]?.stringValue)
        #expect(hexString(h.messageID) == exp["message_id_hex"]?.stringValue)
        #expect(h.encryptionContext == exp["encryption_context"]?.stringObjectValue)
        let edks = try #require(exp["encrypted_data_keys"]?.arrayValue)
        #expect(h.encryptedDataKeys.count == edks.count)
        for (got, want) in zip(h.encryptedDataKeys, edks) {
            #expect(got.providerID == want["provider_id"]?.stringValue)
            #expect(String(decoding: got.providerInfo, as: UTF8.self) == want["provider_info"]?.stringValue)
            #expect(got.ciphertext.count == want["ciphertext_len"]?.intValue)
        }
        #expect(h.contentType.name == exp["content_type"]?.stringValue)
        #expect(Int(h.frameLength) == exp["frame_length"]?.intValue)
        #expect(h.headerBodyLength == exp["header_body_len"]?.intValue)
        #expect(h.headerLength == exp["header_len_incl_auth"]?.intValue)
        #expect(hexString(h.authTag) == exp["header_auth_tag_hex"]?.stringValue)
        #expect(h.headerIV.map(hexString) == exp["header_iv_hex"]?.stringValue)
        #expect(h.suiteData.map(hexString) == exp["suite_data_commitment_hex"]?.stringValue)
        // The signature key in the context is a valid compressed point on the suite's curve.
        _ = try MessageSignature.VerificationKey(
            algorithm: .ecdsaP384,
            base64: h.encryptionContext["aws-crypto-public-key"]!)
    }

    @Test(
        "CLI --show-header --json prints the expected header",
        arguments: [
            "yorlin2s-custom-email-sender-signup.event.json",
            "aws-sdk-rust-1250.code-prefix.json",
            "localstack-9348.emulated.code.json",
        ])
    func cliJSON(file: String) throws {
        let exp = try #require(Self.expected[file])
        let out = try CodeMessage.renderHeader(of: try Self.message(file), json: true)
        let got = try JSONValue(data: Data(out.utf8))
        for key in [
            "message_format_version", "algorithm_suite_id", "message_id_hex", "content_type",
            "frame_length", "header_body_len", "header_len_incl_auth", "header_auth_tag_hex",
        ] {
            #expect(got[key] != nil && got[key] == exp[key], "field \(key)")
        }
        let gotContext = got["encryption_context"]?.stringObjectValue
        #expect(gotContext != nil && gotContext == exp["encryption_context"]?.stringObjectValue)
        let gotEDKs = try #require(got["encrypted_data_keys"]?.arrayValue)
        let expEDKs = try #require(exp["encrypted_data_keys"]?.arrayValue)
        // A field missing (or of another kind) in any key fails, on either side.
        for field in ["provider_info", "provider_id"] {
            let gotValues = gotEDKs.map { $0[field]?.stringValue }
            #expect(!gotValues.contains(nil) && gotValues == expEDKs.map { $0[field]?.stringValue }, "encrypted_data_keys \(field)")
        }
        let gotLengths = gotEDKs.map { $0["ciphertext_len"]?.intValue }
        #expect(!gotLengths.contains(nil) && gotLengths == expEDKs.map { $0["ciphertext_len"]?.intValue }, "encrypted_data_keys ciphertext_len")
    }

    @Test("CLI --show-header text names suite, version, context and key ARN")
    func cliText() throws {
        let out = try CodeMessage.renderHeader(of: try Self.message("aws-sdk-rust-1250.code-prefix.json"), json: false)
        #expect(out.contains("algorithm suite: 0x0378 AES_256_GCM_IV12_TAG16_HKDF_SHA384_ECDSA_P384"))
        #expect(out.contains("message format version: 1"))
        #expect(out.contains("message id: e98596e6e67b2b658921e1dd43c2e831"))
        #expect(out.contains("userpool-id: ap-northeast-1_GO9kFTuhu"))
        #expect(out.contains("provider info: arn:aws:kms:ap-northeast-1:248189919476:key/ac34a806-9969-4d93-a71d-0a4ccff927b0"))
        #expect(out.contains("content type: framed"))
        #expect(out.contains("frame length: 4096"))
    }

    @Test("the incomplete real messages fail to decrypt as truncated, not with a crash")
    func incompleteMessagesFail() async throws {
        let kms = InMemoryKMSForKeyringTests(keys: [:])
        for file in ["yorlin2s-custom-email-sender-signup.event.json", "aws-sdk-rust-1250.code-prefix.json"] {
            let bytes = try Self.message(file)
            let arn = String(decoding: try MessageHeader.parse(bytes).encryptedDataKeys[0].providerInfo, as: UTF8.self)
            let keyring = try AWSKMSKeyring(keyId: arn, client: kms)
            await #expect(throws: ESDKError.self) { try await EncryptionSDKClient().decrypt(bytes, keyring: keyring) }
        }
    }
}
