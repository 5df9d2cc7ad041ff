import AWSCore
import AWSServices
import Foundation
import LambdaRuntime
import Logging
import PoolJournal

/// What the helper Lambda returns to the runtime (CloudFormation reads the PUT, not this).
public struct HelperResult: Codable, Sendable, Equatable {
    /// The status sent to CloudFormation: `SUCCESS` or `FAILED`.
    public var status: String
    /// The PhysicalResourceId sent with it.
    public var physicalResourceId: String
}

/// The helper Lambda's handler: one CloudFormation event in, exactly one response out; or a watch
/// event from EventBridge, which checks that the redirect is still on the pool.
public struct HelperHandler: LambdaHandler {
    /// Runs the provider and sends the response for each event.
    public let lifecycle: CustomResourceLifecycle
    /// Handles the watch events; nil for a helper deployed without the watch.
    public let reconciler: RedirectReconciler?

    /// A handler that hands every CloudFormation event to `lifecycle` and every watch event to `reconciler`.
    public init(lifecycle: CustomResourceLifecycle, reconciler: RedirectReconciler? = nil) {
        self.lifecycle = lifecycle
        self.reconciler = reconciler
    }

    /// A watch event came to a helper deployed without `USER_POOL_ID` and `NOTICE_TOPIC_ARN`.
    public struct WatchNotConfigured: Error, CustomStringConvertible {
        /// What is missing, and where to set it.
        public var description: String {
            "a watch event reached a helper without USER_POOL_ID and NOTICE_TOPIC_ARN: deploy the stack from a template that declares the watch (KeepRedirect)"
        }
    }

    /// Handles the event within the invocation's remaining time and returns what was sent to
    /// CloudFormation. An event broken in any field but its ResponseURL is answered FAILED there,
    /// naming the field, so the stack does not wait out its ServiceTimeout.
    /// - Throws: only when the response could not be delivered (``HTTPResponseSender/DeliveryFailed``).
    public func handle(_ event: HelperEvent, context: LambdaContext) async throws -> HelperResult {
        switch event {
        case let .event(event):
            let response = try await lifecycle.handle(event, remainingTime: context.remainingTime, logger: context.logger)
            return HelperResult(status: response.status.rawValue, physicalResourceId: response.physicalResourceId)
        case let .malformed(malformed):
            let response = CustomResourceResponse(answering: malformed)
            context.logger.error("custom resource event refused", metadata: ["reason": "\(malformed.description)"])
            if let url = malformed.responseURL { try await lifecycle.sender.send(response, to: url) }
            return HelperResult(status: response.status.rawValue, physicalResourceId: response.physicalResourceId)
        case let .watch(event):
            guard let reconciler else { throw WatchNotConfigured() }
            let outcome = try await reconciler.reconcile(event, logger: context.logger)
            return HelperResult(status: "WATCH_\(Self.name(of: outcome))", physicalResourceId: reconciler.userPoolId)
        }
    }

    /// The outcome's name in the helper's answer (`WATCH_INTACT`, `WATCH_REATTACHED`…).
    static func name(of outcome: RedirectReconciler.Outcome) -> String {
        switch outcome {
        case .notThisPool: "NOT_THIS_POOL"
        case .ownChange: "OWN_CHANGE"
        case .nothingInForce: "NOTHING_IN_FORCE"
        case .intact: "INTACT"
        case .alreadyReported: "ALREADY_REPORTED"
        case let .noticed(notice):
            switch notice.action {
            case .reattached: "REATTACHED"
            case .reported: "REPORTED"
            case .reattachFailed: "REATTACH_FAILED"
            }
        }
    }

    /// Wires the handler from the function's environment: `JOURNAL_URI` (required in Lambda,
    /// where /tmp does not outlive the instance), the watch's `USER_POOL_ID`, `NOTICE_TOPIC_ARN`,
    /// `KEEP_REDIRECT` ("true" puts a removed redirect back) and `HELPER_ROLE_ARN` (its own calls
    /// are not looked into), and, from the same environment, the AWS configuration.
    public static func make(environment: LambdaEnvironment, logger: Logger) throws -> HelperHandler {
        let journalURI = try environment.required("JOURNAL_URI")
        let aws = try AWSClientConfiguration.fromEnvironment(environment.values, logger: logger)
        let journal = try JournalStores.store(for: journalURI, s3: try S3Client(configuration: aws))
        let attacher = Attacher(
            cognito: try CognitoIdentityProviderClient(configuration: aws), lambda: try LambdaClient(configuration: aws),
            journal: journal, region: aws.region, logger: logger)
        let margin = environment["WATCHDOG_MARGIN_MS"].flatMap(Int.init).map { Duration.milliseconds($0) } ?? .seconds(10)
        var reconciler: RedirectReconciler?
        if let poolId = environment["USER_POOL_ID"], !poolId.isEmpty, let topic = environment["NOTICE_TOPIC_ARN"], !topic.isEmpty {
            reconciler = RedirectReconciler(
                attacher: attacher, notices: TopicNoticePublisher(topicArn: topic, sns: try SNSClient(configuration: aws)), userPoolId: poolId,
                keepRedirect: environment["KEEP_REDIRECT"] == "true", ownRoleArn: environment["HELPER_ROLE_ARN"])
        }
        return HelperHandler(
            lifecycle: CustomResourceLifecycle(provider: SMSRedirectProvider(attacher: attacher), watchdogMargin: margin), reconciler: reconciler)
    }
}
