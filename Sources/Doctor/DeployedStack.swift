import AWSServices
import PoolJournal

/// What a deployed CognitoSMSRedirect stack tells doctor: its outputs name the pool, the sender,
/// the topic, the queues and the journal. `smsredirect doctor --stack` and `make demo` read a
/// stack through it.
public struct DeployedStack: Sendable {
    /// The stack as DescribeStacks gave it.
    public var stack: CloudFormationClient.Stack

    /// A stack of either template: nil when its outputs lack `UserPoolId` or `SenderFunctionName`
    /// (not a CognitoSMSRedirect stack, or one whose Create failed).
    public init?(_ stack: CloudFormationClient.Stack) {
        guard stack.outputs["UserPoolId"] != nil, stack.outputs["SenderFunctionName"] != nil else { return nil }
        self.stack = stack
    }

    /// The journal the stack's helper writes: `s3://JOURNAL_BUCKET/journal/STACK.sqlite`.
    public var journalURI: String? { stack.outputs["JournalBucketName"].map { "s3://\($0)/journal/\(stack.name).sqlite" } }

    /// What doctor examines, with the journal the caller opened (usually ``journalURI``'s).
    public func target(journal: (any JournalStore)?) -> DoctorTarget {
        DoctorTarget(
            userPoolId: stack.outputs["UserPoolId"] ?? "", sender: stack.outputs["SenderFunctionName"] ?? "", topicArn: stack.outputs["SNSTopicArn"],
            inboxQueueUrl: stack.outputs["CodeInboxQueueUrl"].flatMap { $0.isEmpty ? nil : $0 }, failuresQueueUrl: stack.outputs["SenderFailuresQueueUrl"],
            journal: journal, redirectEmail: stack.parameters["RedirectEmail"].map { $0.lowercased() == "true" })
    }

    /// The stack itself: a stack that is not in a complete state may have half of what a code needs.
    public var statusCheck: DoctorCheck {
        if ["CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE"].contains(stack.status) {
            return .pass("stack.status", "\(stack.name) is \(stack.status)")
        }
        return .fail(
            "stack.status", "\(stack.name) is \(stack.status)",
            fix:
                "see why in the stack's events (aws cloudformation describe-stack-events --stack-name \(stack.name)); the helper's reason names what it could not change"
        )
    }
}
