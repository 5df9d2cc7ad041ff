import AWSCore
import EncryptionSDK
import LambdaRuntime

/// Why a code was not delivered, written so that the log line says what to fix.
/// Cognito invokes the sender asynchronously and ignores its result: these messages are
/// what a developer finds in the function's logs. Each case keeps the error behind it.
public enum SenderError: Error, Equatable, CustomStringConvertible, LambdaReportableError {
    case invalidEvent(String)
    /// The message's data key is for another KMS key than the one configured.
    case encryptedUnderAnotherKey(configured: String, found: [String])
    case kmsAccessDenied(key: String, cause: AWSError)
    case kmsFailed(key: String, cause: AWSError)
    /// `request.code` is not base64 at all (or, asked to decrypt, absent).
    case codeNotBase64
    /// A trigger that always carries a code (every one but the account takeover notification)
    /// came without `request.code`: publishing it would answer a wait with no code.
    case missingCode(trigger: String)
    /// The message's encryption context does not name the event's user pool (`userpool-id`), or
    /// has none: Cognito always binds a code to its pool, so this one was made for another pool
    /// or by someone else who may encrypt under the key.
    case codeForAnotherPool(eventPool: String, contextPool: String?)
    /// The code is not a valid Encryption SDK message, or failed a check (tampered, truncated…).
    case undecryptableCode(ESDKError)
    case topicAccessDenied(topic: String, cause: AWSError)
    case topicNotFound(topic: String)
    case topicRejectedMessage(topic: String, cause: AWSError)
    case publishFailed(topic: String, cause: AWSError)
    /// `RedirectOnly`: the real SMS for a number outside its prefixes was not sent (SNS's or
    /// Cognito's error code only: their messages may carry the number).
    case realSMSFailed(operation: String, code: String)

    /// The log line: what failed, on which key or topic, and what to change; never the code itself.
    public var description: String {
        switch self {
        case let .invalidEvent(detail):
            "Not a CustomSMSSender/CustomEmailSender event: \(detail)."
        case let .encryptedUnderAnotherKey(configured, found):
            "The code was encrypted under \(found.isEmpty ? "no KMS key" : found.joined(separator: ", ")), not KMS_KEY_ARN (\(configured)). Set KMS_KEY_ARN to the user pool's LambdaConfig.KMSKeyID."
        case let .kmsAccessDenied(key, cause):
            "KMS denied Decrypt on \(key): the sender's execution role needs kms:Decrypt on this key, and the key policy must allow it (\(cause))."
        case let .kmsFailed(key, cause):
            "KMS Decrypt on \(key) failed: \(cause)"
        case .codeNotBase64:
            "The code could not be decrypted: request.code is not base64. Was request.code changed on the way?"
        case let .missingCode(trigger):
            "The \(trigger) event has no request.code: Cognito sends a code with every trigger but the account takeover notification, so nothing was published. Was the event built by hand?"
        case let .codeForAnotherPool(eventPool, contextPool):
            contextPool.map {
                "The code's encryption context names the user pool \($0), not the event's \(eventPool): nothing was decrypted or published. Does another pool share this KMS key?"
            }
                ?? "The code's encryption context names no user pool (Cognito always sets userpool-id), so it was not made by Cognito for \(eventPool): nothing was decrypted or published."
        case let .undecryptableCode(cause):
            "The code could not be decrypted: \(cause). Was request.code changed on the way?"
        case let .topicAccessDenied(topic, cause):
            "SNS refused Publish to \(topic): the sender's execution role needs sns:Publish on this topic (and kms:GenerateDataKey and kms:Decrypt on the topic's key if it is encrypted) (\(cause))."
        case let .topicNotFound(topic):
            "The SNS topic \(topic) does not exist: set SNS_TOPIC_ARN to the stack's topic, in the function's region."
        case let .topicRejectedMessage(topic, cause):
            "SNS rejected the message for \(topic): \(cause.message). Check that SNS_TOPIC_ARN is a topic ARN."
        case let .publishFailed(topic, cause):
            "Publishing to \(topic) failed: \(cause)"
        case let .realSMSFailed(operation, code):
            "The real SMS for a number outside REDIRECT_ONLY was not sent: \(operation) failed with \(code). The sender's role needs cognito-idp:DescribeUserPool on the pool and sns:Publish for phone numbers (the templates grant both with RedirectOnly), and the account must be out of the SNS SMS sandbox or the number verified in it."
        }
    }

    /// The `Sender.*` error type reported to Lambda (an invoker's `errorType`), one per thing to fix.
    public var errorType: String {
        switch self {
        case .invalidEvent: "Sender.InvalidEvent"
        case .encryptedUnderAnotherKey: "Sender.WrongKMSKey"
        case .kmsAccessDenied: "Sender.KMSAccessDenied"
        case .kmsFailed: "Sender.KMSFailed"
        case .codeNotBase64, .undecryptableCode: "Sender.UndecryptableCode"
        case .missingCode: "Sender.MissingCode"
        case .codeForAnotherPool: "Sender.EncryptionContextMismatch"
        case .topicAccessDenied: "Sender.SNSAuthorizationError"
        case .topicNotFound: "Sender.SNSTopicNotFound"
        case .topicRejectedMessage: "Sender.SNSInvalidParameter"
        case .publishFailed: "Sender.SNSPublishFailed"
        case .realSMSFailed: "Sender.RealSMSFailed"
        }
    }

    /// The message reported to Lambda: the same text as ``description``.
    public var errorMessage: String { description }
}
