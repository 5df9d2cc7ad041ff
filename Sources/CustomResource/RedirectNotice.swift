import AWSCore
import AWSServices
import Foundation
import PoolConfig

/// What the helper tells the topic (and so the person subscribed, and the code inbox) when it
/// finds the pool no longer pointing at the sender: what was removed, by whom, when, and what it did.
public struct RedirectNotice: Sendable, Equatable, Codable {
    /// What the helper did about it.
    public enum Action: String, Sendable, Codable {
        /// The redirect was put back (`KeepRedirect`), journal first, every other setting as found.
        case reattached
        /// Reported only (`KeepRedirect` off): the pool stays as the other change left it.
        case reported
        /// `KeepRedirect` is on, but putting the redirect back failed: `failure` says why.
        case reattachFailed = "reattach-failed"
    }

    /// One `LambdaConfig` member that no longer holds the redirect's value.
    public struct Removed: Sendable, Equatable, Codable {
        /// `LambdaConfig.CustomSMSSender`, `LambdaConfig.CustomEmailSender` or `LambdaConfig.KMSKeyID`.
        public var member: String
        /// The redirect's value: the sender's ARN, or the key's.
        public var was: String
        /// What the member holds now; nil when it is unset.
        public var now: String?

        /// A removed member.
        public init(member: String, was: String, now: String?) {
            self.member = member
            self.was = was
            self.now = now
        }
    }

    /// Marks the message as a notice: the inbox's code records never carry it.
    public var notice = "redirect-removed"
    /// The pool.
    public var userPoolId: String
    /// What no longer holds the redirect.
    public var removed: [Removed]
    /// Who made the change, as CloudTrail names the caller; nil when the schedule found it.
    public var changedBy: String?
    /// When the change was made (CloudTrail's eventTime), or when the schedule found it.
    public var changedAt: String?
    /// "cloudtrail" or "schedule".
    public var detectedBy: String
    /// What the helper did.
    public var action: Action
    /// Why putting the redirect back failed, for ``Action/reattachFailed``.
    public var failure: String?

    /// A notice about `userPoolId`.
    public init(userPoolId: String, removed: [Removed], event: RedirectWatchEvent, action: Action, failure: String? = nil) {
        self.userPoolId = userPoolId
        self.removed = removed
        switch event.source {
        case let .cloudTrail(_, _, principal, _, time):
            changedBy = principal
            changedAt = time
            detectedBy = "cloudtrail"
        case let .schedule(time):
            changedBy = nil
            changedAt = time
            detectedBy = "schedule"
        }
        self.action = action
        self.failure = failure
    }

    /// The subject the email shows (SNS allows 100 characters).
    public var subject: String {
        String("CognitoSMSRedirect: the redirect was removed from \(userPoolId)".prefix(100))
    }

    /// The notice for a person: what was removed, by whom, when, and what was done.
    public var text: String {
        var lines = ["The user pool \(userPoolId) no longer pointed at the CognitoSMSRedirect sender:"]
        lines += removed.map { "  \($0.member) was \($0.was), is now \($0.now ?? "unset")" }
        lines.append("Changed by: \(changedBy ?? "unknown (found by the schedule)")")
        lines.append("Changed at: \(changedAt ?? "unknown")")
        switch action {
        case .reattached:
            lines.append("The redirect is back on (KeepRedirect), every other setting as the change left it; the stack's deletion still restores the original.")
        case .reported:
            lines.append(
                "The pool stays as it is (KeepRedirect is off): codes are not redirected until the stack is updated or the redirect is attached again.")
        case .reattachFailed:
            lines.append("Putting the redirect back FAILED: \(failure ?? "no reason given"). See the helper's log and `smsredirect journal show`.")
        }
        return lines.joined(separator: "\n")
    }

    /// The notice as JSON (sorted keys): what the queue and the journal keep.
    public func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// The notice a journal row keeps, read back; nil when `json` is not one.
    public static func decoded(_ json: String) -> RedirectNotice? {
        try? JSONDecoder().decode(RedirectNotice.self, from: Data(json.utf8))
    }
}

/// Where notices go. A seam: the stack's topic in production (``TopicNoticePublisher``); a
/// recording list in the unit tests of the watch's decisions.
public protocol NoticePublisher: Sendable {
    /// Publishes `notice`.
    func publish(_ notice: RedirectNotice) async throws
}

/// Publishes notices to the stack's topic: words for email, the JSON for the queues, and a
/// `notice` message attribute. None of the attributes code records carry (`trigger_source`,
/// `user_pool_id`, `username`, `phone_number`): a per-run inbox's filter policy keeps notices out.
public struct TopicNoticePublisher: NoticePublisher {
    /// The stack's topic (the helper's `NOTICE_TOPIC_ARN`).
    public let topicArn: String
    /// The client it publishes with.
    public let sns: SNSClient

    /// A publisher to `topicArn`.
    public init(topicArn: String, sns: SNSClient) {
        self.topicArn = topicArn
        self.sns = sns
    }

    /// One Publish with `MessageStructure=json`.
    public func publish(_ notice: RedirectNotice) async throws {
        let json = try notice.json()
        let message: JSONValue = ["default": .string(json), "sqs": .string(json), "email": .string(notice.text)]
        _ = try await sns.publish(
            topicArn: topicArn, message: message.jsonString, subject: notice.subject, messageStructure: "json",
            messageAttributes: ["notice": .string(notice.notice)])
    }
}
