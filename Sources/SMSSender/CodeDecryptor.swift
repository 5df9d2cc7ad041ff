import AWSCore
import AWSServices
import EncryptionSDK
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Turns `request.code` back into the code (called only for an event that has one).
public protocol CodeDecrypting: Sendable {
    func decrypt(_ event: CustomSenderEvent) async throws -> String
}

/// Decrypts with the strict KMS keyring bound to one key ARN, under
/// `requireEncryptAllowDecrypt` (Cognito's suite 0x0378 is not committing).
public struct KMSCodeDecryptor: CodeDecrypting {
    /// The only key a code may be encrypted under: the pool's `LambdaConfig.KMSKeyID` (`KMS_KEY_ARN`).
    public let kmsKeyArn: String
    /// The client the keyring calls KMS Decrypt with.
    public let kms: any KMSKeyringClient
    let sdk = EncryptionSDKClient(commitmentPolicy: .requireEncryptAllowDecrypt, maxEncryptedDataKeys: maxEncryptedDataKeys)

    /// Cognito sends one data key; a few more is tolerated, hundreds is an attack on the parser.
    public static let maxEncryptedDataKeys = 8
    /// The encryption context key Cognito puts the user pool id under.
    public static let userPoolContextKey = "userpool-id"

    /// A decryptor for codes encrypted under `kmsKeyArn`, calling KMS through `kms`.
    public init(kmsKeyArn: String, kms: any KMSKeyringClient) {
        self.kmsKeyArn = kmsKeyArn
        self.kms = kms
    }

    /// Decrypts `request.code` and returns the plaintext code, HTML-unescaped for an invitation.
    /// - Throws: ``SenderError``: `codeNotBase64` or `undecryptableCode` for a bad message,
    ///   `encryptedUnderAnotherKey` before any KMS call, `kmsAccessDenied` or `kmsFailed` for KMS's answer.
    public func decrypt(_ event: CustomSenderEvent) async throws -> String {
        guard let message = event.request.code.flatMap({ Data(base64Encoded: $0) }) else {
            throw SenderError.codeNotBase64
        }
        let bytes = [UInt8](message)
        // Name both keys when the message is for another one, before asking KMS anything.
        let header: MessageHeader
        do {
            header = try MessageHeader.parse(bytes, maxEncryptedDataKeys: Self.maxEncryptedDataKeys)
        } catch let error as ESDKError {
            throw SenderError.undecryptableCode(error)
        }
        let kmsKeys = header.encryptedDataKeys.filter { $0.providerID == "aws-kms" }.map { String(decoding: $0.providerInfo, as: UTF8.self) }
        guard kmsKeys.contains(kmsKeyArn) else {
            throw SenderError.encryptedUnderAnotherKey(configured: kmsKeyArn, found: kmsKeys)
        }
        // Cognito binds each code to its pool in the encryption context: a message for another
        // pool (a key two pools share, or one chosen by hand) or with no pool is not this pool's code.
        let contextPool = header.encryptionContext[Self.userPoolContextKey]
        guard contextPool == event.userPoolId else {
            throw SenderError.codeForAnotherPool(eventPool: event.userPoolId, contextPool: contextPool)
        }
        let plaintext: Data
        do {
            // The reproduced context makes the decryptor check the same pair again, as it authenticates the header.
            plaintext = try await sdk.decrypt(
                bytes, keyring: try AWSKMSKeyring.strict(keyIds: [kmsKeyArn], client: kms),
                encryptionContext: [Self.userPoolContextKey: event.userPoolId]
            ).plaintext
        } catch let ESDKError.noKeyringCouldDecrypt(attempts) {
            // The keyring keeps the KMS client's error: a denied Decrypt says what to grant.
            if let kmsError = attempts.lazy.compactMap({ $0.underlying as? AWSError }).first {
                throw kmsError.isAccessDenied
                    ? SenderError.kmsAccessDenied(key: kmsKeyArn, cause: kmsError) : SenderError.kmsFailed(key: kmsKeyArn, cause: kmsError)
            }
            throw SenderError.undecryptableCode(ESDKError.noKeyringCouldDecrypt(attempts: attempts))
        } catch let error as ESDKError {
            throw SenderError.undecryptableCode(error)
        }
        let code = String(decoding: plaintext, as: UTF8.self)
        return event.triggerSource.codeIsHTMLEscaped ? HTMLEntities.unescape(code) : code
    }
}
