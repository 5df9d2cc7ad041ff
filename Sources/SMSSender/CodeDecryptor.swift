import AWSCore
import AWSServices
import EncryptionSDK
import Foundation
import NIOConcurrencyHelpers

/// Turns `request.code` back into the code.
public protocol CodeDecrypting: Sendable {
    func decrypt(_ event: CustomSenderEvent) async throws -> String
}

/// Decrypts with the strict KMS keyring bound to one key ARN, under
/// `requireEncryptAllowDecrypt` (Cognito's suite 0x0378 is not committing).
public struct KMSCodeDecryptor: CodeDecrypting {
    public let kmsKeyArn: String
    public let kms: any KMSKeyringClient
    let sdk = EncryptionSDKClient(commitmentPolicy: .requireEncryptAllowDecrypt, maxEncryptedDataKeys: maxEncryptedDataKeys)

    /// Cognito sends one data key; a few more is tolerated, hundreds is an attack on the parser.
    public static let maxEncryptedDataKeys = 8

    public init(kmsKeyArn: String, kms: any KMSKeyringClient) {
        self.kmsKeyArn = kmsKeyArn
        self.kms = kms
    }

    public func decrypt(_ event: CustomSenderEvent) async throws -> String {
        guard let message = Data(base64Encoded: event.request.code) else {
            throw SenderError.undecryptableCode("request.code is not base64")
        }
        let bytes = [UInt8](message)
        // Name both keys when the message is for another one, before asking KMS anything.
        let header: MessageHeader
        do {
            header = try MessageHeader.parse(bytes, maxEncryptedDataKeys: Self.maxEncryptedDataKeys)
        } catch {
            throw SenderError.undecryptableCode("\(error)")
        }
        let kmsKeys = header.encryptedDataKeys.filter { $0.providerID == "aws-kms" }.map { String(decoding: $0.providerInfo, as: UTF8.self) }
        guard kmsKeys.contains(kmsKeyArn) else {
            throw SenderError.encryptedUnderAnotherKey(configured: kmsKeyArn, found: kmsKeys)
        }
        let recording = KMSErrorRecorder(kms)
        let plaintext: Data
        do {
            plaintext = try await sdk.decrypt(bytes, keyring: try AWSKMSKeyring.strict(keyIds: [kmsKeyArn], client: recording)).plaintext
        } catch {
            if let kmsError = recording.lastError {
                if kmsError.isAccessDenied {
                    throw SenderError.kmsAccessDenied(key: kmsKeyArn, detail: kmsError.description)
                }
                throw SenderError.kmsFailed(key: kmsKeyArn, detail: kmsError.description)
            }
            throw SenderError.undecryptableCode("\(error)")
        }
        let code = String(decoding: plaintext, as: UTF8.self)
        return event.triggerSource.codeIsHTMLEscaped ? HTMLEntities.unescape(code) : code
    }
}

/// Passes KMS calls through and keeps the last AWS error, which the keyring folds into text.
final class KMSErrorRecorder: KMSKeyringClient {
    private let inner: any KMSKeyringClient
    private let recorded = NIOLockedValueBox<AWSError?>(nil)

    init(_ inner: any KMSKeyringClient) { self.inner = inner }

    var lastError: AWSError? { recorded.withLockedValue { $0 } }

    private func recording<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as AWSError {
            recorded.withLockedValue { $0 = error }
            throw error
        }
    }

    func decrypt(keyId: String, ciphertextBlob: Data, encryptionContext: [String: String]) async throws -> (plaintext: Data, keyId: String) {
        try await recording { try await inner.decrypt(keyId: keyId, ciphertextBlob: ciphertextBlob, encryptionContext: encryptionContext) }
    }

    func generateDataKey(keyId: String, numberOfBytes: Int, encryptionContext: [String: String]) async throws -> (plaintext: Data, ciphertextBlob: Data, keyId: String) {
        try await recording { try await inner.generateDataKey(keyId: keyId, numberOfBytes: numberOfBytes, encryptionContext: encryptionContext) }
    }

    func encrypt(keyId: String, plaintext: Data, encryptionContext: [String: String]) async throws -> (ciphertextBlob: Data, keyId: String) {
        try await recording { try await inner.encrypt(keyId: keyId, plaintext: plaintext, encryptionContext: encryptionContext) }
    }
}
