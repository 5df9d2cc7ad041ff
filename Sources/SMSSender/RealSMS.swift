import AWSCore
import AWSServices
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The numbers whose codes are redirected (`RedirectOnly`): E.164 prefixes, such as `+1555` for
/// the fictional North American numbers. Every other number gets a real SMS.
public struct RedirectedNumbers: Sendable, Equatable {
    /// The prefixes, each `+` and 1 to 15 digits; empty redirects every number.
    public let prefixes: [String]

    /// Why a `REDIRECT_ONLY` value was refused.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        /// The part that is not an E.164 prefix.
        public var part: String

        /// A refusal of `part`.
        public init(part: String) { self.part = part }
        /// What was wrong, and the form to give.
        public var description: String {
            "REDIRECT_ONLY has '\(part)', which is not an E.164 prefix: give a plus and 1 to 15 digits, comma-separated (+1555,+447700900)"
        }
    }

    /// Every number redirected: no `RedirectOnly`.
    public static let everyNumber = RedirectedNumbers(prefixes: [])

    private init(prefixes: [String]) { self.prefixes = prefixes }

    /// Reads `REDIRECT_ONLY`'s value: comma-separated prefixes; nil or empty redirects every number.
    public init(_ value: String?) throws(Invalid) {
        var prefixes: [String] = []
        for part in (value ?? "").split(separator: ",") {
            let prefix = part.trimmingWhitespace
            let digits = prefix.dropFirst()
            guard prefix.first == "+", (1...15).contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw Invalid(part: String(prefix))
            }
            prefixes.append(String(prefix))
        }
        self.prefixes = prefixes
    }

    /// Whether a code for `phoneNumber` goes to the inbox: always when no prefix is given, and
    /// when there is no number to send an SMS to.
    public func redirects(_ phoneNumber: String?) -> Bool {
        guard !prefixes.isEmpty, let phoneNumber else { return true }
        return prefixes.contains { phoneNumber.hasPrefix($0) }
    }
}

/// The SMS Cognito would have sent, worded from the pool's own templates.
public enum CognitoSMSWording {
    /// Cognito's words when the pool sets none (its console's defaults).
    public static let defaultVerification = "Your verification code is {####}. "
    /// The default MFA sign-in message.
    public static let defaultAuthentication = "Your authentication code is {####}. "
    /// The default invitation of AdminCreateUser.
    public static let defaultInvitation = "Your username is {username} and temporary password is {####}. "
    /// An account takeover notification carries no code and has no template of the pool's.
    public static let takeoverNotification = "We noticed an unusual sign-in attempt on your account. If it was not you, change your password."

    /// The message for `trigger`, from the pool's DescribeUserPool document: the verification
    /// template (`VerificationMessageTemplate.SmsMessage`, else `SmsVerificationMessage`) for
    /// sign-up, resend, attribute and password-reset codes; `SmsAuthenticationMessage` for MFA; the
    /// invitation (`AdminCreateUserConfig.InviteMessageTemplate.SMSMessage`) for AdminCreateUser.
    /// `{####}` becomes the code and `{username}` the user name.
    public static func message(for trigger: TriggerSource, code: String?, userName: String, pool: JSONValue) -> String {
        let template: String
        switch trigger.kind {
        case .signUp, .resendCode, .forgotPassword, .updateUserAttribute, .verifyUserAttribute:
            template =
                pool["VerificationMessageTemplate"]["SmsMessage"]?.stringValue ?? pool["SmsVerificationMessage"]?.stringValue ?? defaultVerification
        case .authentication:
            template = pool["SmsAuthenticationMessage"]?.stringValue ?? defaultAuthentication
        case .adminCreateUser:
            template = pool["AdminCreateUserConfig"]["InviteMessageTemplate"]["SMSMessage"]?.stringValue ?? defaultInvitation
        case .accountTakeOverNotification:
            return takeoverNotification
        }
        return template.replacing("{####}", with: code ?? "").replacing("{username}", with: userName)
    }
}

/// Sends the real SMS for a number that is not redirected. A seam: SNS in production.
public protocol RealSMSSending: Sendable {
    /// The pool's DescribeUserPool document, for its message templates.
    func pool(id: String) async throws -> JSONValue
    /// Publishes `message` to `phoneNumber` as an SMS; returns SNS's message id.
    func send(_ message: String, to phoneNumber: String) async throws -> String
}

/// Real SMS through SNS (Publish with PhoneNumber), worded from the pool as Cognito words it.
public struct SNSRealSMS: RealSMSSending {
    /// Reads the pool's templates.
    public let cognito: CognitoIdentityProviderClient
    /// Sends the SMS.
    public let sns: SNSClient

    /// A sender of real SMS through `sns`, reading templates through `cognito`.
    public init(cognito: CognitoIdentityProviderClient, sns: SNSClient) {
        self.cognito = cognito
        self.sns = sns
    }

    /// DescribeUserPool.
    public func pool(id: String) async throws -> JSONValue { try await cognito.describeUserPool(id: id) }

    /// Publish with PhoneNumber, transactional.
    public func send(_ message: String, to phoneNumber: String) async throws -> String {
        try await sns.publishSMS(phoneNumber: phoneNumber, message: message)
    }
}
