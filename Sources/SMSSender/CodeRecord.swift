import AWSCore
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// What the inbox receives for each code: the SQS (and default) message body, and what
/// `smsredirect wait-code` reads back. The plaintext code travels only here, to the inbox.
public struct CodeRecord: Codable, Sendable, Equatable {
    /// The plaintext code; absent for a notification Cognito sends without one.
    public var code: String?
    /// In words: "sign-up verification code", "MFA sign-in code", …
    public var purpose: String
    /// The event's `triggerSource` as Cognito spells it, e.g. `CustomSMSSender_SignUp`.
    public var triggerSource: String
    /// The channel Cognito would have used; `sms` or `email` on the wire.
    public var channel: Channel

    /// `sms` or `email`: the trigger source's channel.
    public typealias Channel = TriggerSource.Channel

    /// The user pool the code belongs to.
    public var userPoolId: String
    /// The user's Cognito user name, as in the event's `userName`.
    public var userName: String
    /// The user's `phone_number` attribute: where the SMS would have gone; nil when the user has none.
    public var phoneNumber: String?
    /// The user's `email` attribute: where the email would have gone; nil when the user has none.
    public var email: String?
    /// The app client from the event's `callerContext.clientId`; nil for some server-side flows.
    public var clientId: String?
    /// The event's `request.clientMetadata`, so a test can tell its own codes apart; empty when none.
    public var clientMetadata: [String: String]
    /// The AWS Region of the user pool.
    public var region: String
    /// When the sender handled it, ISO 8601 UTC.
    public var time: String

    /// The record for `event` with its decrypted `code` (nil when the event carries none), stamped with `time`.
    public init(event: CustomSenderEvent, code: String?, time: Date = Date()) {
        self.code = code
        purpose = event.triggerSource.purpose
        triggerSource = event.triggerSource.rawValue
        channel = event.triggerSource.channel
        userPoolId = event.userPoolId
        userName = event.userName
        phoneNumber = event.phoneNumber
        email = event.email
        clientId = event.callerContext.clientId
        clientMetadata = event.request.clientMetadata
        region = event.region
        self.time = time.formatted(Self.timeFormat)
    }

    /// ISO 8601 UTC with milliseconds: the inbox orders codes by it, and a user's codes can come
    /// within one second.
    package static let timeFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)

    /// `time` as a date; nil if it is not ISO 8601.
    public var date: Date? { Self.date(fromISO8601: time) }

    /// An ISO 8601 UTC time, with or without fractional seconds (records written before they had
    /// milliseconds, and times a user types).
    public static func date(fromISO8601 text: String) -> Date? {
        (try? Date(text, strategy: timeFormat)) ?? (try? Date(text, strategy: .iso8601))
    }

    /// The record as JSON (sorted keys).
    public func jsonString() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The short message a person reads in the email.
    public var emailText: String {
        var lines = [
            code.map { "\(purpose.prefix(1).uppercased() + purpose.dropFirst()): \($0)" }
                ?? "\(purpose.prefix(1).uppercased() + purpose.dropFirst()) (no code)",
            "",
            "User: \(userName)",
        ]
        if let phoneNumber { lines.append("Phone number: \(phoneNumber)") }
        if let email, channel == .email || phoneNumber == nil { lines.append("Email: \(email)") }
        lines += [
            "User pool: \(userPoolId) (\(region))",
            "Trigger: \(triggerSource)",
            "Time: \(time)",
            "",
            "Cognito would have sent this by \(channel == .sms ? "SMS" : "email"); CognitoSMSRedirect delivered it here instead.",
        ]
        return lines.joined(separator: "\n")
    }
}

/// Cognito HTML-escapes the temporary password of an AdminCreateUser invitation.
public enum HTMLEntities {
    /// Decodes the named entities `&amp; &lt; &gt; &quot; &apos;` and numeric ones (`&#39;`, `&#x27;`);
    /// anything else, including an unknown entity, is left as it is.
    public static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var out = ""
        var rest = Substring(text)
        while let ampersand = rest.firstIndex(of: "&") {
            out += rest[..<ampersand]
            rest = rest[ampersand...]
            if let semicolon = rest.firstIndex(of: ";"), rest.distance(from: rest.startIndex, to: semicolon) <= 10,
                let decoded = decode(rest[rest.index(after: rest.startIndex)..<semicolon])
            {
                out.append(decoded)
                rest = rest[rest.index(after: semicolon)...]
            } else {
                out.append("&")
                rest = rest.dropFirst()
            }
        }
        return out + rest
    }

    private static func decode(_ entity: Substring) -> Character? {
        switch entity {
        case "amp": return "&"
        case "lt": return "<"
        case "gt": return ">"
        case "quot": return "\""
        case "apos": return "'"
        default:
            let value: UInt32? =
                entity.hasPrefix("#x") || entity.hasPrefix("#X")
                ? UInt32(entity.dropFirst(2), radix: 16)
                : entity.hasPrefix("#") ? UInt32(entity.dropFirst(), radix: 10) : nil
            return value.flatMap(Unicode.Scalar.init).map(Character.init)
        }
    }
}
