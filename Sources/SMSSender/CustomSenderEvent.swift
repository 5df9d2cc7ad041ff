import AWSCore
import Foundation

/// Why an event is not one this sender handles. Names the field and what was expected.
public enum SenderEventError: Error, Equatable, CustomStringConvertible {
    case notJSON(String)
    case missingField(String)
    case wrongType(field: String, expected: String)
    case unknownTriggerSource(String)
    case unexpectedRequestType(String)

    public var description: String {
        switch self {
        case let .notJSON(detail): "the event is not a JSON object: \(detail)"
        case let .missingField(field): "the event has no '\(field)': is this a Cognito CustomSMSSender or CustomEmailSender event?"
        case let .wrongType(field, expected): "the event's '\(field)' is not \(expected)"
        case let .unknownTriggerSource(source): "unknown triggerSource '\(source)': expected one of \(TriggerSource.allCases.map(\.rawValue).joined(separator: ", "))"
        case let .unexpectedRequestType(type): "request.type is '\(type)', expected customSMSSenderRequestV1 or customEmailSenderRequestV1"
        }
    }
}

/// Every trigger source Cognito sends to a custom SMS or email sender.
public enum TriggerSource: String, CaseIterable, Sendable, Codable {
    case smsSignUp = "CustomSMSSender_SignUp"
    case smsResendCode = "CustomSMSSender_ResendCode"
    case smsForgotPassword = "CustomSMSSender_ForgotPassword"
    case smsUpdateUserAttribute = "CustomSMSSender_UpdateUserAttribute"
    case smsVerifyUserAttribute = "CustomSMSSender_VerifyUserAttribute"
    case smsAdminCreateUser = "CustomSMSSender_AdminCreateUser"
    case smsAuthentication = "CustomSMSSender_Authentication"
    /// Sent by older pools with advanced security.
    case smsAccountTakeOverNotification = "CustomSMSSender_AccountTakeOverNotification"
    case emailSignUp = "CustomEmailSender_SignUp"
    case emailResendCode = "CustomEmailSender_ResendCode"
    case emailForgotPassword = "CustomEmailSender_ForgotPassword"
    case emailUpdateUserAttribute = "CustomEmailSender_UpdateUserAttribute"
    case emailVerifyUserAttribute = "CustomEmailSender_VerifyUserAttribute"
    case emailAdminCreateUser = "CustomEmailSender_AdminCreateUser"
    case emailAuthentication = "CustomEmailSender_Authentication"
    case emailAccountTakeOverNotification = "CustomEmailSender_AccountTakeOverNotification"

    public var isSMS: Bool { rawValue.hasPrefix("CustomSMSSender_") }

    /// The part after the prefix: `SignUp`, `Authentication`, …
    public var event: String { String(rawValue.split(separator: "_", maxSplits: 1).last ?? "") }

    /// What the code is for, in words a person reads in the inbox.
    public var purpose: String {
        switch event {
        case "SignUp": "sign-up verification code"
        case "ResendCode": "sign-up verification code (resent)"
        case "ForgotPassword": "password reset code"
        case "UpdateUserAttribute": "code to confirm a changed attribute"
        case "VerifyUserAttribute": "attribute verification code"
        case "AdminCreateUser": "temporary password"
        case "Authentication": "MFA sign-in code"
        case "AccountTakeOverNotification": "account takeover notification"
        default: "code"
        }
    }

    /// Cognito HTML-escapes the temporary password of an invitation.
    public var codeIsHTMLEscaped: Bool { event == "AdminCreateUser" }
}

/// A CustomSMSSender / CustomEmailSender event, in the shape Cognito sends.
public struct CustomSenderEvent: Sendable, Equatable {
    public var version: String
    public var triggerSource: TriggerSource
    public var region: String
    public var userPoolId: String
    public var userName: String
    public var callerContext: CallerContext
    public var request: Request

    public struct CallerContext: Sendable, Equatable {
        public var awsSdkVersion: String?
        /// Null for some server-side flows (e.g. AdminCreateUser from the console).
        public var clientId: String?

        public init(awsSdkVersion: String?, clientId: String?) {
            self.awsSdkVersion = awsSdkVersion
            self.clientId = clientId
        }
    }

    public struct Request: Sendable, Equatable {
        public var type: String
        /// The base64 Encryption SDK message holding the code. Secret: never log it. Absent for a
        /// notification without a code (`…_AccountTakeOverNotification`).
        public var code: String?
        public var userAttributes: [String: String]
        public var clientMetadata: [String: String]

        public init(type: String, code: String?, userAttributes: [String: String], clientMetadata: [String: String]) {
            self.type = type
            self.code = code
            self.userAttributes = userAttributes
            self.clientMetadata = clientMetadata
        }
    }

    /// The phone number the SMS would have gone to.
    public var phoneNumber: String? { request.userAttributes["phone_number"] }
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
            callerContext: CallerContext(awsSdkVersion: try callerContext.optionalString("awsSdkVersion"), clientId: try callerContext.optionalString("clientId")),
            request: Request(type: type, code: try request.optionalString("code"), userAttributes: try request.stringMap("userAttributes") ?? [:],
                             clientMetadata: try request.stringMap("clientMetadata") ?? [:]))
    }

    public init(version: String, triggerSource: TriggerSource, region: String, userPoolId: String, userName: String, callerContext: CallerContext, request: Request) {
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
        var request: [String: JSONValue] = ["type": .string(self.request.type), "userAttributes": self.request.userAttributes.jsonValue,
                                            "clientMetadata": self.request.clientMetadata.isEmpty ? .null : self.request.clientMetadata.jsonValue]
        if let code = self.request.code { request["code"] = .string(code) }
        return [
            "version": .string(version), "triggerSource": .string(triggerSource.rawValue), "region": .string(region),
            "userPoolId": .string(userPoolId), "userName": .string(userName),
            "callerContext": ["awsSdkVersion": callerContext.awsSdkVersion.map { .string($0) } ?? .null, "clientId": callerContext.clientId.map { .string($0) } ?? .null],
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
