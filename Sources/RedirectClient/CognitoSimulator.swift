import AWSCore
import SMSSender
import EncryptionSDK
import Foundation

/// Does Cognito's part of a custom sender trigger: makes a code, encrypts it exactly as Cognito
/// does, and wraps it in the event Cognito would send. For `smsredirect simulate` and the tests.
public struct CognitoSimulator: Sendable {
    /// The KMS key codes are encrypted under: the pool's `LambdaConfig.KMSKeyID`, as the sender expects it.
    public let kmsKeyArn: String
    /// The client the encryption's GenerateDataKey call goes to.
    public let kms: any KMSKeyringClient

    /// A simulator encrypting under `kmsKeyArn` through `kms`.
    public init(kmsKeyArn: String, kms: any KMSKeyringClient) {
        self.kmsKeyArn = kmsKeyArn
        self.kms = kms
    }

    /// What Cognito sends: suite 0x0378 (signed, not committing), message format v1, frames of
    /// 4096 bytes, one `aws-kms` data key, and the pool id in the encryption context (the SDK
    /// adds `aws-crypto-public-key`).
    public func encrypt(code: String, userPoolId: String) async throws -> String {
        try await encrypt(code: code, encryptionContext: ["userpool-id": userPoolId])
    }

    /// Encrypts as Cognito does but with any encryption context: what a message made for another
    /// pool, or by someone else who may encrypt under the key, looks like.
    public func encrypt(code: String, encryptionContext: [String: String]) async throws -> String {
        let sdk = EncryptionSDKClient(commitmentPolicy: .forbidEncryptAllowDecrypt)
        let message = try await sdk.encrypt(
            Data(code.utf8), keyring: AWSKMSKeyring(keyId: kmsKeyArn, client: kms), encryptionContext: encryptionContext,
            suite: .aes256GcmIv12Tag16HkdfSha384EcdsaP384, frameLength: 4096)
        return message.base64EncodedString()
    }

    /// A six-digit code, as Cognito makes them.
    public static func makeCode() -> String {
        String(format: "%06d", Int.random(in: 0...999_999))
    }

    /// The event Cognito would send for `code` (temporary passwords arrive HTML-escaped).
    public func event(
        triggerSource: TriggerSource, code: String, userPoolId: String, userName: String, phoneNumber: String?,
        email: String? = nil, clientId: String? = "simulatedclientid", region: Region, clientMetadata: [String: String] = [:]
    ) async throws -> CustomSenderEvent {
        let sent = triggerSource.codeIsHTMLEscaped ? Self.htmlEscape(code) : code
        var attributes: [String: String] = [
            "sub": UUID().uuidString.lowercased(), "cognito:user_status": triggerSource.kind == .adminCreateUser ? "FORCE_CHANGE_PASSWORD" : "CONFIRMED",
        ]
        if let phoneNumber { attributes["phone_number"] = phoneNumber; attributes["phone_number_verified"] = "false" }
        if let email { attributes["email"] = email }
        return CustomSenderEvent(
            version: "1", triggerSource: triggerSource, region: region.rawValue, userPoolId: userPoolId, userName: userName,
            callerContext: .init(awsSdkVersion: "aws-sdk-unknown-unknown", clientId: clientId),
            request: .init(
                type: triggerSource.isSMS ? "customSMSSenderRequestV1" : "customEmailSenderRequestV1",
                code: try await encrypt(code: sent, userPoolId: userPoolId), userAttributes: attributes, clientMetadata: clientMetadata))
    }

    static func htmlEscape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "\"", with: "&quot;").replacingOccurrences(of: "'", with: "&#39;")
    }
}
