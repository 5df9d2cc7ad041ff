import AWSCore
import AWSServices
import Foundation
import StackDeploy
import Testing
import TestSupport

/// The new-pool template through CloudFormation: the pool declares the sender as its trigger, and
/// an update of the pool's own properties (an UpdateUserPool with what the template declares)
/// keeps it.
@Suite(.needsMinistack) struct NewPoolStackTests {
    let engine: StackEngine
    init() throws { engine = try StackEngine() }

    @Test func thePoolsTriggerIsTheSenderAndAnUpdateOfThePoolKeepsIt() async throws {
        let name = StackEngine.stackName("new")
        let created = try await engine.create(name, template: try await engine.template("new-user-pool"), parameters: ["EmailAddress": "codes@example.com"])
        try #require(created.succeeded, StackEngine.story(created))
        let poolId = try #require(created.stack.outputs["UserPoolId"])
        let resources = try await engine.resources(name)
        let sender = try await engine.lambda.getFunctionConfiguration(functionName: try #require(resources["SenderFunction"]))
        let pool = try await engine.cognito.describeUserPool(id: poolId)
        #expect(pool["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue == sender.functionArn, StackEngine.story(created))
        #expect(pool["LambdaConfig"]["KMSKeyID"]?.stringValue == created.stack.outputs["KmsKeyArn"])
        #expect(sender.layers == [try #require(resources["EncryptionSdkLayer"])])

        let message = "Your redirected test code is {####}"
        let changed = try await engine.template("new-user-pool") { template in
            template["Resources"]?["UserPool"]?["Properties"]?["SmsVerificationMessage"] = .string(message)
        }
        let updated = try await engine.deployer.update(stack: name, template: changed, parameters: ["EmailAddress": "codes@example.com"])
        try #require(updated.succeeded, StackEngine.story(updated))
        let after = try await engine.cognito.describeUserPool(id: poolId)
        #expect(after["SmsVerificationMessage"]?.stringValue == message, "CloudFormation updated the pool: \(StackEngine.story(updated))")
        #expect(after["LambdaConfig"] == pool["LambdaConfig"], "the trigger stays: \(StackEngine.story(updated))")

        let deleted = try await engine.deployer.delete(stack: name)
        try #require(deleted.succeeded, StackEngine.story(deleted))
    }
}
