import AWSCore
import AWSServices
import DemoScenario
import Doctor
import Foundation
import PoolConfig
import PoolJournal
import Testing
import TestSupport

/// doctor's healthy setup: the existing-pool template deployed through ministack's CloudFormation
/// (``StackEngine``) on the demo's pool, attached by the stack's own helper, email too unless told
/// otherwise; and the clients a test breaks it with.
struct DoctorSetup {
    let engine: StackEngine
    let deployed: DeployedStack
    /// The stack's resources' physical ids, by logical id.
    let resources: [String: String]
    let journal: any JournalStore
    let sns: SNSClient, iam: IAMClient

    var aws: AWSClientConfiguration { engine.aws }
    var cognito: CognitoIdentityProviderClient { engine.cognito }
    var lambda: LambdaClient { engine.lambda }
    var kms: KMSClient { engine.kms }
    var sqs: SQSClient { engine.sqs }
    var name: String { deployed.stack.name }
    var poolId: String { deployed.stack.outputs["UserPoolId"] ?? "" }
    var senderName: String { deployed.stack.outputs["SenderFunctionName"] ?? "" }
    var keyArn: String { deployed.stack.outputs["KmsKeyArn"] ?? "" }
    var topicArn: String { deployed.stack.outputs["SNSTopicArn"] ?? "" }
    var inboxUrl: String { deployed.stack.outputs["CodeInboxQueueUrl"] ?? "" }
    var failuresUrl: String { deployed.stack.outputs["SenderFailuresQueueUrl"] ?? "" }
    var journalURI: String { deployed.journalURI ?? "" }

    static func make(redirectEmail: Bool = true) async throws -> DoctorSetup {
        let engine = try StackEngine()
        let poolId = try await DemoPool.create(cognito: engine.cognito, name: Moto.uniqueName("doctor"))
        let name = StackEngine.stackName("doctor")
        let created = try await engine.create(
            name, template: try await engine.template("existing-user-pool"),
            parameters: [
                "UserPoolId": poolId, "EmailAddress": "developer@example.com", "SMSRoleArn": DemoPool.smsRoleArn,
                "RedirectEmail": redirectEmail ? "true" : "false",
            ])
        try #require(created.succeeded, StackEngine.story(created))
        let deployed = try #require(DeployedStack(created.stack))
        return DoctorSetup(
            engine: engine, deployed: deployed, resources: try await engine.resources(name),
            journal: try JournalStores.store(for: try #require(deployed.journalURI), s3: engine.s3), sns: try SNSClient(configuration: engine.aws),
            iam: try IAMClient(configuration: engine.aws))
    }

    /// Doctor's report of the setup as it is now, as `doctor --stack` reads it.
    func examine(_ adjust: (inout DoctorTarget) -> Void = { _ in }) async throws -> DoctorReport {
        var target = deployed.target(journal: journal)
        adjust(&target)
        return await Doctor(cognito: cognito, lambda: lambda, kms: kms, sns: sns, sqs: sqs, iam: iam).examine(target)
    }

    /// Changes the pool outside the tool: an UpdateUserPool that carries everything else over.
    func updatePool(_ change: (inout JSONValue) -> Void) async throws {
        var request = try UpdateUserPoolRequest.carryingOver(try await cognito.describeUserPool(id: poolId))
        change(&request)
        try await cognito.updateUserPool(request)
    }

    /// The physical id of one of the stack's resources.
    func resource(_ logicalId: String) throws -> String { try #require(resources[logicalId], "the stack has no \(logicalId)") }

    /// The inbox queue's ARN.
    func inboxArn() async throws -> String { try #require(try await sqs.getQueueAttributes(queueUrl: inboxUrl, names: ["QueueArn"])["QueueArn"]) }

    /// The Sid of the statement that lets Cognito invoke the sender (CloudFormation names it).
    func invokeStatementId() async throws -> String {
        try #require(try await lambda.getPolicy(functionName: senderName)["Statement"]?.arrayValue?.first?["Sid"]?.stringValue)
    }

    /// Deletes the stack (the helper restores the pool).
    func tearDown() async {
        _ = try? await engine.deployer.delete(stack: name)
    }
}
