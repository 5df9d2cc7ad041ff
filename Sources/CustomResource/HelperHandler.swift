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

/// The helper Lambda's handler: one CloudFormation event in, exactly one response out.
public struct HelperHandler: LambdaHandler {
    /// Runs the provider and sends the response for each event.
    public let lifecycle: CustomResourceLifecycle

    /// A handler that hands every event to `lifecycle`.
    public init(lifecycle: CustomResourceLifecycle) { self.lifecycle = lifecycle }

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
        }
    }

    /// Wires the handler from the function's environment: `JOURNAL_URI` (required in Lambda,
    /// where /tmp does not outlive the instance) and, from the same environment, the AWS configuration.
    public static func make(environment: LambdaEnvironment, logger: Logger) throws -> HelperHandler {
        let journalURI = try environment.required("JOURNAL_URI")
        let aws = try AWSClientConfiguration.fromEnvironment(environment.values, logger: logger)
        let journal = try JournalStores.store(for: journalURI, s3: try S3Client(configuration: aws))
        let attacher = Attacher(
            cognito: try CognitoIdentityProviderClient(configuration: aws), lambda: try LambdaClient(configuration: aws),
            journal: journal, region: aws.region, logger: logger)
        let margin = environment["WATCHDOG_MARGIN_MS"].flatMap(Int.init).map { Duration.milliseconds($0) } ?? .seconds(10)
        return HelperHandler(lifecycle: CustomResourceLifecycle(provider: SMSRedirectProvider(attacher: attacher), watchdogMargin: margin))
    }
}
