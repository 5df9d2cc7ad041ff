import AWSCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// Why an event is not one this sender handles. Names the field and what was expected.
public enum SenderEventError: Error, Equatable, CustomStringConvertible {
    case notJSON(String)
    case missingField(String)
    case wrongType(field: String, expected: String)
    case unknownTriggerSource(String)
    case unexpectedRequestType(String)

    /// A sentence naming the offending field and what was expected there.
    public var description: String {
        switch self {
        case let .notJSON(detail): "the event is not a JSON object: \(detail)"
        case let .missingField(field): "the event has no '\(field)': is this a Cognito CustomSMSSender or CustomEmailSender event?"
        case let .wrongType(field, expected): "the event's '\(field)' is not \(expected)"
        case let .unknownTriggerSource(source):
            "unknown triggerSource '\(source)': expected one of \(TriggerSource.allCases.map(\.rawValue).joined(separator: ", "))"
        case let .unexpectedRequestType(type): "request.type is '\(type)', expected customSMSSenderRequestV1 or customEmailSenderRequestV1"
        }
    }
}

/// Every trigger source Cognito sends to a custom SMS or email sender: a channel (the sender it
/// goes to) and a kind (the flow), spelled `CustomSMSSender_SignUp`, `CustomEmailSender_Authentication`, …
///
/// The sixteen sources are the ones the Custom SMS sender and Custom email sender Lambda trigger
/// pages of the Cognito developer guide list.
public struct TriggerSource: Hashable, Sendable, CaseIterable, RawRepresentable, Codable, CustomStringConvertible {
    /// Which custom sender Cognito invokes: the trigger's prefix.
    public enum Channel: String, Codable, Sendable, CaseIterable {
        case sms
        case email

        /// The trigger source's prefix for this channel, before the `_`.
        public var triggerPrefix: String {
            switch self {
            case .sms: "CustomSMSSender"
            case .email: "CustomEmailSender"
            }
        }
    }

    /// The flow that sends the message: the part after the prefix.
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case signUp = "SignUp"
        case resendCode = "ResendCode"
        case forgotPassword = "ForgotPassword"
        case updateUserAttribute = "UpdateUserAttribute"
        case verifyUserAttribute = "VerifyUserAttribute"
        /// An invitation: the code is a temporary password, HTML-escaped.
        case adminCreateUser = "AdminCreateUser"
        /// MFA codes, and the one-time passwords of choice-based (passwordless) sign-in.
        case authentication = "Authentication"
        /// A notification with no code (sent by pools with threat protection).
        case accountTakeOverNotification = "AccountTakeOverNotification"

        /// What the message is for, in words a person reads in the inbox.
        public var purpose: String {
            switch self {
            case .signUp: "sign-up verification code"
            case .resendCode: "sign-up verification code (resent)"
            case .forgotPassword: "password reset code"
            case .updateUserAttribute: "code to confirm a changed attribute"
            case .verifyUserAttribute: "attribute verification code"
            case .adminCreateUser: "temporary password"
            case .authentication: "MFA sign-in code"
            case .accountTakeOverNotification: "account takeover notification"
            }
        }
    }

    /// The sender Cognito invokes.
    public var channel: Channel
    /// The flow.
    public var kind: Kind

    /// The trigger source of `kind` on `channel`.
    public init(_ channel: Channel, _ kind: Kind) {
        self.channel = channel
        self.kind = kind
    }

    /// Reads Cognito's spelling (`CustomSMSSender_SignUp`); nil for anything else.
    public init?(rawValue: String) {
        let parts = rawValue.split(separator: "_", maxSplits: 1).map(String.init)
        guard parts.count == 2, let channel = Channel.allCases.first(where: { $0.triggerPrefix == parts[0] }),
            let kind = Kind(rawValue: parts[1])
        else { return nil }
        self.init(channel, kind)
    }

    /// Cognito's spelling, as the event's `triggerSource` carries it.
    public var rawValue: String { "\(channel.triggerPrefix)_\(kind.rawValue)" }
    /// The raw value.
    public var description: String { rawValue }

    /// Every source of both senders, SMS first, each in the order of ``Kind``.
    public static var allCases: [TriggerSource] {
        Channel.allCases.flatMap { channel in Kind.allCases.map { TriggerSource(channel, $0) } }
    }

    /// Every source of one sender.
    public static func allCases(on channel: Channel) -> [TriggerSource] { Kind.allCases.map { TriggerSource(channel, $0) } }

    /// True for the Custom SMS sender's sources.
    public var isSMS: Bool { channel == .sms }

    /// The part after the prefix: `SignUp`, `Authentication`, …
    public var event: String { kind.rawValue }

    /// What the code is for, in words a person reads in the inbox.
    public var purpose: String { kind.purpose }

    /// Cognito HTML-escapes the temporary password of an invitation.
    public var codeIsHTMLEscaped: Bool { kind == .adminCreateUser }

    /// Whether Cognito sends a code with this trigger: every one but the account takeover notification.
    public var carriesCode: Bool { kind != .accountTakeOverNotification }

    // The sources by name, for call sites and tests that name one.
    /// `CustomSMSSender_SignUp`.
    public static let smsSignUp = TriggerSource(.sms, .signUp)
    /// `CustomSMSSender_ResendCode`.
    public static let smsResendCode = TriggerSource(.sms, .resendCode)
    /// `CustomSMSSender_ForgotPassword`.
    public static let smsForgotPassword = TriggerSource(.sms, .forgotPassword)
    /// `CustomSMSSender_UpdateUserAttribute`.
    public static let smsUpdateUserAttribute = TriggerSource(.sms, .updateUserAttribute)
    /// `CustomSMSSender_VerifyUserAttribute`.
    public static let smsVerifyUserAttribute = TriggerSource(.sms, .verifyUserAttribute)
    /// `CustomSMSSender_AdminCreateUser`.
    public static let smsAdminCreateUser = TriggerSource(.sms, .adminCreateUser)
    /// `CustomSMSSender_Authentication`.
    public static let smsAuthentication = TriggerSource(.sms, .authentication)
    /// `CustomSMSSender_AccountTakeOverNotification`, sent by older pools with advanced security.
    public static let smsAccountTakeOverNotification = TriggerSource(.sms, .accountTakeOverNotification)
    /// `CustomEmailSender_SignUp`.
    public static let emailSignUp = TriggerSource(.email, .signUp)
    /// `CustomEmailSender_ResendCode`.
    public static let emailResendCode = TriggerSource(.email, .resendCode)
    /// `CustomEmailSender_ForgotPassword`.
    public static let emailForgotPassword = TriggerSource(.email, .forgotPassword)
    /// `CustomEmailSender_UpdateUserAttribute`.
    public static let emailUpdateUserAttribute = TriggerSource(.email, .updateUserAttribute)
    /// `CustomEmailSender_VerifyUserAttribute`.
    public static let emailVerifyUserAttribute = TriggerSource(.email, .verifyUserAttribute)
    /// `CustomEmailSender_AdminCreateUser`.
    public static let emailAdminCreateUser = TriggerSource(.email, .adminCreateUser)
    /// `CustomEmailSender_Authentication`.
    public static let emailAuthentication = TriggerSource(.email, .authentication)
    /// `CustomEmailSender_AccountTakeOverNotification`.
    public static let emailAccountTakeOverNotification = TriggerSource(.email, .accountTakeOverNotification)
}

/// A CustomSMSSender / CustomEmailSender event, in the shape Cognito sends.
public struct CustomSenderEvent: Sendable, Equatable {
    /// The event format version Cognito writes (`version`), e.g. `1`.
    public var version: String
    /// Which flow sent the code (`triggerSource`), and so whether it is an SMS or an email.
    public var triggerSource: TriggerSource
    /// The AWS Region of the user pool (`region`).
    public var region: String
    /// The user pool the code belongs to (`userPoolId`).
    public var userPoolId: String
    /// The user's Cognito user name (`userName`), which is not necessarily what they sign in with.
    public var userName: String
    /// The SDK and app client that triggered the flow (`callerContext`).
    public var callerContext: CallerContext
    /// The code, the user's attributes and the client metadata (`request`).
    public var request: Request

    /// The event's `callerContext`: who called Cognito.
    public struct CallerContext: Sendable, Equatable {
        /// The caller's AWS SDK version string (`awsSdkVersion`), when Cognito reports one.
        public var awsSdkVersion: String?
        /// Null for some server-side flows (e.g. AdminCreateUser from the console).
        public var clientId: String?

        /// A caller context from its two fields; `nil` is written as JSON null.
        public init(awsSdkVersion: String?, clientId: String?) {
            self.awsSdkVersion = awsSdkVersion
            self.clientId = clientId
        }
    }

    /// The event's `request`: what to send, and to whom.
    public struct Request: Sendable, Equatable {
        /// `customSMSSenderRequestV1` or `customEmailSenderRequestV1` (`request.type`).
        public var type: String
        /// The base64 Encryption SDK message holding the code. Secret: never log it. Absent for a
        /// notification without a code (`…_AccountTakeOverNotification`).
        public var code: String?
        /// The user's attributes (`request.userAttributes`), e.g. `phone_number`, `email`; empty when absent.
        public var userAttributes: [String: String]
        /// The app's `ClientMetadata` passed through by Cognito (`request.clientMetadata`); empty when null.
        public var clientMetadata: [String: String]

        /// A request from its fields; pass `code` as the base64 ESDK message, or `nil` for a notification.
        public init(type: String, code: String?, userAttributes: [String: String], clientMetadata: [String: String]) {
            self.type = type
            self.code = code
            self.userAttributes = userAttributes
            self.clientMetadata = clientMetadata
        }
    }

    /// The phone number the SMS would have gone to.
    public var phoneNumber: String? { request.userAttributes["phone_number"] }
    /// The address the email would have gone to (the `email` attribute); `nil` when the user has none.
    public var email: String? { request.userAttributes["email"] }

    /// Parses and validates an event; every problem names its field.
    public init(json data: Data) throws {
        let document: JSONValue
        do {
            document = try JSONValue(data: data)
        } catch {
            throw SenderEventError.notJSON("it does not parse")
        }
        guard case let .object(object) = document else { throw SenderEventError.notJSON("not an object") }
        let fields = Fields(object: object, prefix: "")
        let source = try fields.string("triggerSource")
        guard let triggerSource = TriggerSource(rawValue: source) else { throw SenderEventError.unknownTriggerSource(source) }
        let callerContext = try fields.object("callerContext")
        let request = try fields.object("request")
        let type = try request.string("type")
        guard type == "customSMSSenderRequestV1" || type == "customEmailSenderRequestV1" else { throw SenderEventError.unexpectedRequestType(type) }
        self.init(
            version: try fields.string("version"), triggerSource: triggerSource, region: try fields.string("region"),
            userPoolId: try fields.string("userPoolId"), userName: try fields.string("userName"),
            callerContext: CallerContext(
                awsSdkVersion: try callerContext.optionalString("awsSdkVersion"), clientId: try callerContext.optionalString("clientId")),
            request: Request(
                type: type, code: try request.optionalString("code"), userAttributes: try request.stringMap("userAttributes") ?? [:],
                clientMetadata: try request.stringMap("clientMetadata") ?? [:]))
    }

    /// An event from its fields, without validation (tests and the simulator build events this way).
    public init(
        version: String, triggerSource: TriggerSource, region: String, userPoolId: String, userName: String, callerContext: CallerContext, request: Request
    ) {
        self.version = version
        self.triggerSource = triggerSource
        self.region = region
        self.userPoolId = userPoolId
        self.userName = userName
        self.callerContext = callerContext
        self.request = request
    }

    /// The event as Cognito writes it (for the simulator and fixtures).
    public var jsonValue: JSONValue {
        var request: [String: JSONValue] = [
            "type": .string(self.request.type), "userAttributes": self.request.userAttributes.jsonValue,
            "clientMetadata": self.request.clientMetadata.isEmpty ? .null : self.request.clientMetadata.jsonValue,
        ]
        if let code = self.request.code { request["code"] = .string(code) }
        return [
            "version": .string(version), "triggerSource": .string(triggerSource.rawValue), "region": .string(region),
            "userPoolId": .string(userPoolId), "userName": .string(userName),
            "callerContext": [
                "awsSdkVersion": callerContext.awsSdkVersion.map { .string($0) } ?? .null, "clientId": callerContext.clientId.map { .string($0) } ?? .null,
            ],
            "request": .object(request),
        ]
    }

    /// Reads typed members of a JSON object, naming the full path in errors.
    struct Fields {
        let object: [String: JSONValue]
        let prefix: String

        func path(_ key: String) -> String { prefix.isEmpty ? key : "\(prefix).\(key)" }

        func string(_ key: String) throws -> String {
            guard let value = try optionalString(key) else { throw SenderEventError.missingField(path(key)) }
            return value
        }

        func optionalString(_ key: String) throws -> String? {
            switch object[key] {
            case nil, .null?: return nil
            case let .string(value)?: return value
            default: throw SenderEventError.wrongType(field: path(key), expected: "a string")
            }
        }

        func object(_ key: String) throws -> Fields {
            switch object[key] {
            case nil, .null?: throw SenderEventError.missingField(path(key))
            case let .object(nested)?: return Fields(object: nested, prefix: path(key))
            default: throw SenderEventError.wrongType(field: path(key), expected: "an object")
            }
        }

        func stringMap(_ key: String) throws -> [String: String]? {
            switch object[key] {
            case nil, .null?: return nil
            case let .object(map)?:
                return try map.mapValues { element in
                    switch element {
                    case let .string(value): return value
                    case let .integer(value): return String(value)
                    case let .bool(value): return String(value)
                    default: throw SenderEventError.wrongType(field: path(key), expected: "an object of strings")
                    }
                }
            default: throw SenderEventError.wrongType(field: path(key), expected: "an object of strings")
            }
        }
    }
}
