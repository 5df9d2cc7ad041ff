import AWSCore
import AWSServices
import PoolJournal

/// A read `doctor` could not make: the call, and what AWS (or the network) said.
public struct DoctorReadFailure: Error, Sendable, Equatable {
    /// The API call, e.g. `lambda:GetPolicy`: also the permission the caller needs.
    public var operation: String
    /// What went wrong, from the error.
    public var message: String

    /// A failure of `operation` with `error`'s description.
    public init(operation: String, error: any Error) {
        self.operation = operation
        message = (error as? AWSError).map { "\($0.code): \($0.message)" } ?? String(describing: error)
    }

    /// The line a check shows for it.
    var summary: String { "could not call \(operation): \(message)" }
    /// What to do about it.
    var fix: String { "let the credentials doctor runs with call \(operation) (or check the name it was given)" }
}

/// A fact `doctor` read, or why it could not.
public typealias DoctorFact<Value: Sendable> = Result<Value, DoctorReadFailure>

/// Everything `doctor` read, before judging any of it: the checks are pure functions of this, so
/// a setup moto cannot produce (a subscription pending confirmation) is tested by building one.
public struct DoctorFacts: Sendable {
    /// The pool's id, as given.
    public var userPoolId: String
    /// DescribeUserPool's `UserPool`.
    public var pool: DoctorFact<JSONValue>
    /// GetUserPoolMfaConfig.
    public var mfa: DoctorFact<JSONValue>
    /// GetFunctionConfiguration of the sender.
    public var sender: DoctorFact<LambdaClient.FunctionConfiguration>
    /// The sender's resource policy; nil when it has none.
    public var senderPolicy: DoctorFact<JSONValue?>
    /// The key the sender decrypts with (`KMS_KEY_ARN`); nil when the sender names none.
    public var key: DoctorFact<KMSClient.KeyMetadata>?
    /// That key's policy.
    public var keyPolicy: DoctorFact<JSONValue>?
    /// The identity policies of the sender's execution role.
    public var rolePolicies: DoctorFact<[JSONValue]>?
    /// The topic checked: given, or the sender's `SNS_TOPIC_ARN`.
    public var topicArn: String?
    /// The topic's subscriptions.
    public var subscriptions: DoctorFact<[SNSClient.Subscription]>?
    /// The code inbox: where it came from, its URL, ARN and queue policy (nil when it has none).
    public var inbox: DoctorFact<Queue>?
    /// The sender-failures queue and how many failures wait in it.
    public var failures: DoctorFact<FailuresQueue>?
    /// The journal's location and its active attach for the pool (nil: none).
    public var journal: DoctorFact<JournalFinding>?
    /// Whether email codes are meant to be redirected, and why doctor thinks so.
    public var redirectEmail: (value: Bool, reason: String)
    /// The flows under test.
    public var flows: [DoctorFlow]

    /// A queue doctor looked at.
    public struct Queue: Sendable, Equatable {
        /// The queue's URL.
        public var url: String
        /// Its ARN.
        public var arn: String
        /// Its `Policy` attribute, parsed; nil when it has none.
        public var policy: JSONValue?
    }

    /// The sender-failures queue.
    public struct FailuresQueue: Sendable, Equatable {
        /// The queue's URL.
        public var url: String
        /// `ApproximateNumberOfMessages` plus `ApproximateNumberOfMessagesNotVisible`.
        public var waiting: Int
    }

    /// What the journal says of the pool.
    public struct JournalFinding: Sendable, Equatable {
        /// Where the journal is.
        public var location: String
        /// The active attach of this pool; nil when there is none.
        public var activeAttach: JournalEntry?
    }
}
