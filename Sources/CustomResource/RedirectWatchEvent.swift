import AWSCore

/// What woke the helper to check that the redirect is still on the pool: EventBridge delivering
/// CloudTrail's record of an `UpdateUserPool` (the stack's watch rule), or the stack's schedule.
///
/// CloudTrail's records reach EventBridge's default bus with the detail-type "AWS API Call via
/// CloudTrail", only while a trail with logging on exists, and on a best-effort basis
/// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event.html,
/// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html):
/// hence the schedule beside the rule.
public struct RedirectWatchEvent: Sendable, Equatable {
    /// Where the event came from.
    public enum Source: Sendable, Equatable {
        /// CloudTrail's record of a call: its name, the pool it names, who made it (the caller's
        /// ARN, when the record has one), the role the caller's session was issued by (nil for a
        /// caller that is no role's session), and when (ISO 8601, as CloudTrail writes it).
        case cloudTrail(eventName: String, userPoolId: String?, principal: String?, callerRole: String?, time: String?)
        /// The schedule fired at `time`.
        case schedule(time: String?)
    }

    /// The detail-type of CloudTrail's records of API calls.
    public static let cloudTrailDetailType = "AWS API Call via CloudTrail"
    /// The detail-type of a scheduled rule's events.
    public static let scheduleDetailType = "Scheduled Event"

    /// EventBridge's id of the event: a redelivery carries the same one.
    public var id: String
    /// What the event says happened.
    public var source: Source

    /// An event, for tests and callers that make their own.
    public init(id: String, source: Source) {
        self.id = id
        self.source = source
    }

    /// Why an EventBridge envelope is not an event the helper acts on.
    public enum Unusable: Error, Equatable, CustomStringConvertible {
        /// The envelope has no `id`.
        case noId
        /// A CloudTrail record without `detail.eventName`.
        case noEventName(id: String)
        /// Another detail-type than CloudTrail's and the schedule's (nil: none).
        case otherDetailType(id: String, String?)

        /// What is wrong with it, naming the field.
        public var description: String {
            switch self {
            case .noId: "the EventBridge event has no id"
            case let .noEventName(id): "the CloudTrail record \(id) has no detail.eventName"
            case let .otherDetailType(id, type):
                "the EventBridge event \(id) is \(type.map { "a \"\($0)\"" } ?? "without a detail-type"): the helper acts on \"\(RedirectWatchEvent.cloudTrailDetailType)\" and \"\(RedirectWatchEvent.scheduleDetailType)\" only"
            }
        }
    }

    /// Reads EventBridge's envelope (`id`, `detail-type`, `time`, `detail`).
    /// - Throws: ``Unusable`` for an envelope without an id, or of another detail-type.
    public init(envelope: JSONValue) throws(Unusable) {
        guard let id = envelope["id"]?.stringValue, !id.isEmpty else { throw .noId }
        self.id = id
        let detail = envelope["detail"] ?? .object([:])
        switch envelope["detail-type"]?.stringValue {
        case Self.cloudTrailDetailType?:
            guard let eventName = detail["eventName"]?.stringValue else { throw .noEventName(id: id) }
            let identity = detail["userIdentity"] ?? .object([:])
            // An assumed role's record names the session's ARN; the role itself is the issuer's.
            let issuer = identity["sessionContext"]["sessionIssuer"]["arn"]?.stringValue
            source = .cloudTrail(
                eventName: eventName, userPoolId: detail["requestParameters"]["userPoolId"]?.stringValue, principal: identity["arn"]?.stringValue ?? issuer,
                callerRole: issuer, time: detail["eventTime"]?.stringValue ?? envelope["time"]?.stringValue)
        case Self.scheduleDetailType?:
            source = .schedule(time: envelope["time"]?.stringValue)
        case let other:
            throw .otherDetailType(id: id, other)
        }
    }
}
