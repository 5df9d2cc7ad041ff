import AWSCore
import AWSServices
import EncryptionSDKKMS
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import LambdaRuntime
import Logging
import SenderContract

extension CustomSenderEvent: Decodable {
    /// Decodes through the one JSON layer, then validates with errors that name the field.
    public init(from decoder: any Decoder) throws {
        let document = try JSONValue(from: decoder)
        do {
            try self.init(json: try document.data())
        } catch let error as SenderEventError {
            throw SenderError.invalidEvent(error.description)
        }
    }
}

/// What the handler returns. Cognito ignores it; `smsredirect invoke` shows it.
public struct SenderResult: Codable, Sendable, Equatable {
    /// The delivery's message id: SNS's `MessageId` for the published record.
    public var messageId: String
    /// The event's `triggerSource`, as Cognito spells it.
    public var triggerSource: String
}

/// The CustomSMSSender (and CustomEmailSender) Lambda: decrypt the code, publish it. An account
/// takeover notification, which carries no code, is published as a record without one, so a test
/// can still see that it happened; any other trigger without a code is a failure. With
/// `RedirectOnly`, an SMS for a number outside its prefixes is sent for real instead, worded as
/// Cognito words it, and nothing of it reaches the topic or the log.
public struct CustomSenderHandler: LambdaHandler {
    /// Turns an event's `request.code` into the plaintext code.
    public let decryptor: any CodeDecrypting
    /// Delivers the resulting ``CodeRecord`` to the inbox.
    public let publisher: any CodePublishing
    /// The numbers whose codes are redirected; every number when it has no prefix.
    public let redirected: RedirectedNumbers
    /// Sends the real SMS for the other numbers; nil when every number is redirected.
    public let realSMS: (any RealSMSSending)?

    /// A handler that decrypts with `decryptor` and delivers with `publisher`, and with prefixes in
    /// `redirected`, sends the other numbers' SMS through `realSMS`.
    public init(
        decryptor: any CodeDecrypting, publisher: any CodePublishing, redirected: RedirectedNumbers = .everyNumber,
        realSMS: (any RealSMSSending)? = nil
    ) {
        self.decryptor = decryptor
        self.publisher = publisher
        self.redirected = redirected
        self.realSMS = realSMS
    }

    /// Decrypts the event's code (if it has one), publishes its record, and logs where it went, never the code.
    /// - Throws: a ``SenderError`` when the code was not delivered, logged with its `errorType` first.
    public func handle(_ event: CustomSenderEvent, context: LambdaContext) async throws -> SenderResult {
        var logger = context.logger
        logger[metadataKey: "triggerSource"] = "\(event.triggerSource.rawValue)"
        logger[metadataKey: "userPoolId"] = "\(event.userPoolId)"
        do {
            guard event.request.code != nil || !event.triggerSource.carriesCode else {
                throw SenderError.missingCode(trigger: event.triggerSource.rawValue)
            }
            let code: String? = event.request.code == nil ? nil : try await decryptor.decrypt(event)
            if event.triggerSource.isSMS, !redirected.redirects(event.phoneNumber), let realSMS, let phoneNumber = event.phoneNumber {
                let pool: JSONValue, messageId: String
                do { pool = try await realSMS.pool(id: event.userPoolId) } catch let error as AWSError {
                    throw SenderError.realSMSFailed(operation: "DescribeUserPool", code: error.code)
                }
                let message = CognitoSMSWording.message(for: event.triggerSource, code: code, userName: event.userName, pool: pool)
                do { messageId = try await realSMS.send(message, to: phoneNumber) } catch let error as AWSError {
                    throw SenderError.realSMSFailed(operation: "SNS Publish", code: error.code)
                }
                // A real user's SMS: not the number, not the user, not the code; only that it went.
                logger.info("sent as a real SMS (not a redirected number)", metadata: ["messageId": "\(messageId)"])
                return SenderResult(messageId: messageId, triggerSource: event.triggerSource.rawValue)
            }
            let messageId = try await publisher.publish(CodeRecord(event: event, code: code))
            // Never the code, the ciphertext or a key: only that it went, and where.
            logger.info("code delivered", metadata: ["messageId": "\(messageId)", "userName": "\(event.userName)"])
            return SenderResult(messageId: messageId, triggerSource: event.triggerSource.rawValue)
        } catch let error as SenderError {
            // Cognito ignores the result of this asynchronous invocation: the log is where a failure shows.
            logger.error("code not delivered", metadata: ["errorType": "\(error.errorType)", "error": "\(error.description)"])
            throw error
        }
    }
}

/// The sender's settings, from the function's environment.
public struct SenderConfiguration: Sendable, Equatable {
    /// The key the pool encrypts codes with (its LambdaConfig.KMSKeyID).
    public var kmsKeyArn: String
    /// The SNS topic that feeds the inbox and the email subscription (`SNS_TOPIC_ARN`).
    public var topicArn: String
    /// The numbers whose codes are redirected (`REDIRECT_ONLY`); every number by default.
    public var redirected: RedirectedNumbers

    /// Settings given directly rather than read from the environment.
    public init(kmsKeyArn: String, topicArn: String, redirected: RedirectedNumbers = .everyNumber) {
        self.kmsKeyArn = kmsKeyArn
        self.topicArn = topicArn
        self.redirected = redirected
    }

    /// Reads `KMS_KEY_ARN`, `SNS_TOPIC_ARN` and `REDIRECT_ONLY`; a missing or malformed one fails the function's init.
    public init(environment: LambdaEnvironment) throws {
        self.init(
            kmsKeyArn: try environment.required(SenderEnvironment.kmsKeyArn), topicArn: try environment.required(SenderEnvironment.snsTopicArn),
            redirected: try RedirectedNumbers(environment[SenderEnvironment.redirectOnly]))
    }
}

extension CustomSenderHandler {
    /// Wires the sender from the function's environment: its settings and, from the same
    /// environment, the AWS configuration its KMS and SNS clients use.
    public static func make(environment: LambdaEnvironment, logger: Logger) throws -> CustomSenderHandler {
        let settings = try SenderConfiguration(environment: environment)
        let aws = try AWSClientConfiguration.fromEnvironment(environment.values, logger: logger)
        let sns = try SNSClient(configuration: aws)
        return CustomSenderHandler(
            decryptor: KMSCodeDecryptor(kmsKeyArn: settings.kmsKeyArn, kms: try KMSClient(configuration: aws)),
            publisher: SNSCodePublisher(topicArn: settings.topicArn, sns: sns), redirected: settings.redirected,
            realSMS: settings.redirected.prefixes.isEmpty ? nil : SNSRealSMS(cognito: try CognitoIdentityProviderClient(configuration: aws), sns: sns))
    }
}
