import AWSCore
import AWSServices
import DemoScenario
import Foundation
import RedirectClient
import SMSSender
import StackDeploy
import Testing
import TestSupport

/// A code end to end through what the stack deployed: encrypted as Cognito encrypts it, sent to
/// the deployed sender as Cognito sends it (an asynchronous Lambda Invoke: ministack's Cognito does
/// not invoke custom senders), and read back with `smsredirect wait-code` from the stack's inbox.
@Suite(.needsMinistack) struct DeployedCodeTests {
    let engine: StackEngine
    init() throws { engine = try StackEngine() }

    @Test(arguments: [TriggerSource.smsAuthentication, .emailForgotPassword])
    func aCodeSentToTheDeployedSenderArrivesInTheInbox(_ trigger: TriggerSource) async throws {
        let poolId = try await DemoPool.create(cognito: engine.cognito, name: Moto.uniqueName("code"))
        let name = StackEngine.stackName("code")
        let created = try await engine.create(
            name, template: try await engine.template("existing-user-pool"),
            parameters: ["UserPoolId": poolId, "EmailAddress": "codes@example.com", "SMSRoleArn": DemoPool.smsRoleArn, "RedirectEmail": "true"])
        try #require(created.succeeded, StackEngine.story(created))
        let delivery = try await engine.sendACode(trigger, through: created.stack, poolId: poolId)
        #expect(delivery.wait.status == 0, "\(delivery.wait.standardError)\nministack's log: \(Ministack.log)")
        let record = try #require(delivery.record)
        #expect(record["code"]?.stringValue == delivery.sent, "the code Cognito encrypted, decrypted by the deployed sender with its layer")
        #expect(record["triggerSource"]?.stringValue == trigger.rawValue)
        #expect(record["userPoolId"]?.stringValue == poolId)
        _ = try await engine.deployer.delete(stack: name)
    }
}
