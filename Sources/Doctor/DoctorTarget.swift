import PoolJournal

/// A Cognito flow whose codes a test waits for: what `doctor` checks the pool would send at all.
public enum DoctorFlow: String, Sendable, CaseIterable, Codable {
    /// Sign-up verification codes by SMS: the phone number must be auto-verified.
    case smsSignUp = "sms-sign-up"
    /// SMS MFA codes: MFA ON or OPTIONAL with the SMS factor.
    case smsMFA = "sms-mfa"
    /// Password-reset codes by SMS: account recovery through the verified phone.
    case smsPasswordReset = "sms-password-reset"
    /// Sign-up verification codes by email: the address must be auto-verified.
    case emailSignUp = "email-sign-up"
    /// Email MFA codes: MFA ON or OPTIONAL with the email factor (Essentials or Plus tier).
    case emailMFA = "email-mfa"
    /// Password-reset codes by email: account recovery through the verified address.
    case emailPasswordReset = "email-password-reset"

    /// What a test of the redirect usually exercises: the sample's three SMS flows, plus sign-up
    /// and password reset by email when email is redirected. Email MFA is checked only on request.
    public static func defaults(redirectingEmail: Bool) -> [DoctorFlow] {
        redirectingEmail ? [.smsSignUp, .smsMFA, .smsPasswordReset, .emailSignUp, .emailPasswordReset] : [.smsSignUp, .smsMFA, .smsPasswordReset]
    }

    /// True for the flows whose codes go to the email sender.
    public var isEmail: Bool { [.emailSignUp, .emailMFA, .emailPasswordReset].contains(self) }
}

/// What `doctor` examines: a pool, its sender, and what the sender publishes to.
///
/// Only the pool and the sender are required; the rest is found where it can be (the topic from
/// the sender's `SNS_TOPIC_ARN`, the inbox from the topic's SQS subscription, the failures queue
/// from the sender's asynchronous-invocation destination) and a check that has nothing to look at
/// is skipped, saying so.
public struct DoctorTarget: Sendable {
    /// The user pool whose codes should be redirected.
    public var userPoolId: String
    /// The sender function: its name or ARN.
    public var sender: String
    /// The SNS topic; nil takes the sender's `SNS_TOPIC_ARN`.
    public var topicArn: String?
    /// The code inbox queue; nil takes the topic's SQS subscription, when it has exactly one.
    public var inboxQueueUrl: String?
    /// The sender-failures queue; nil takes the sender's on-failure destination, when it is a queue.
    public var failuresQueueUrl: String?
    /// The journal of attaches; nil skips the journal checks.
    public var journal: (any JournalStore)?
    /// Whether email codes should be redirected too; nil infers it (the journal's attach, else
    /// the pool's CustomEmailSender).
    public var redirectEmail: Bool?
    /// The flows under test; nil takes ``DoctorFlow/defaults(redirectingEmail:)``.
    public var flows: [DoctorFlow]?

    /// A target; everything but the pool and the sender is optional.
    public init(
        userPoolId: String, sender: String, topicArn: String? = nil, inboxQueueUrl: String? = nil, failuresQueueUrl: String? = nil,
        journal: (any JournalStore)? = nil, redirectEmail: Bool? = nil, flows: [DoctorFlow]? = nil
    ) {
        self.userPoolId = userPoolId
        self.sender = sender
        self.topicArn = topicArn
        self.inboxQueueUrl = inboxQueueUrl
        self.failuresQueueUrl = failuresQueueUrl
        self.journal = journal
        self.redirectEmail = redirectEmail
        self.flows = flows
    }
}
