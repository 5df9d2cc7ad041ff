import AWSCore
import AWSServices
import DemoScenario
import Foundation
import PoolJournal
import StackDeploy
import Testing
import TestSupport

/// Stack updates and failures through CloudFormation: what the engine sends the helper (property
/// values as strings, OldResourceProperties, the rollback's Update with the old properties), and
/// the pool and sender each leaves behind.
@Suite(.needsMinistack) struct StackLifecycleTests {
    let engine: StackEngine
    init() throws { engine = try StackEngine() }

    /// A pool with the demo's configuration and SMS role, the existing-pool stack on it, and the
    /// pool as it was before.
    func existingPoolStack(_ purpose: String, redirectEmail: Bool = false) async throws -> (name: String, poolId: String, original: PoolSnapshot) {
        let poolId = try await DemoPool.create(cognito: engine.cognito, name: Moto.uniqueName(purpose))
        let original = try await engine.snapshot(pool: poolId)
        let name = StackEngine.stackName(purpose)
        let created = try await engine.create(
            name, template: try await engine.template("existing-user-pool"), parameters: parameters(poolId, redirectEmail: redirectEmail))
        try #require(created.succeeded, StackEngine.story(created))
        return (name, poolId, original)
    }

    func parameters(_ poolId: String, redirectEmail: Bool = false, smsRole: String = DemoPool.smsRoleArn) -> [String: String] {
        ["UserPoolId": poolId, "EmailAddress": "codes@example.com", "SMSRoleArn": smsRole, "RedirectEmail": redirectEmail ? "true" : "false"]
    }

    func senderArn(_ stack: String) async throws -> String {
        try await engine.lambda.getFunctionConfiguration(functionName: try #require(try await engine.resources(stack)["SenderFunction"])).functionArn
    }

    @Test func redirectEmailTurnedOnThenOffByStackUpdates() async throws {
        let (name, poolId, original) = try await existingPoolStack("email")
        let sender = try await senderArn(name)
        let template = try await engine.template("existing-user-pool")

        let firstId = try #require(try await engine.resources(name)["SMSRedirectAttachment"])
        let on = try await engine.deployer.update(stack: name, template: template, parameters: parameters(poolId, redirectEmail: true))
        try #require(on.succeeded, StackEngine.story(on))
        // RedirectEmail is part of the attachment's id: a new attachment, and CloudFormation's
        // cleanup Delete of the old one, which must leave the pool to the new one. ministack sends
        // that Delete but records no event for it, where CloudFormation records DELETE_COMPLETE in
        // UPDATE_COMPLETE_CLEANUP_IN_PROGRESS; the helper's journal shows it arrived.
        let secondId = try #require(try await engine.resources(name)["SMSRedirectAttachment"])
        #expect(secondId != firstId)
        let journal = try JournalStores.store(
            for: "s3://\(try #require(try await engine.resources(name)["JournalBucket"]))/journal/\(name).sqlite", s3: engine.s3)
        let entries = try await journal.read { try $0.all() }
        #expect(
            entries.contains { $0.attachmentId == firstId && $0.action == .detach && $0.status == .succeeded },
            "the cleanup Delete of the first attachment reached the helper")
        let emailCode = try await engine.sendACode(.emailSignUp, through: on.stack, poolId: poolId)
        #expect(emailCode.record?["code"]?.stringValue == emailCode.sent, "an email code with RedirectEmail on: \(emailCode.wait.standardError)")
        let redirected = try await engine.snapshot(pool: poolId)
        #expect(redirected.pool["LambdaConfig"]["CustomEmailSender"]["LambdaArn"]?.stringValue == sender, StackEngine.story(on))
        #expect(redirected.pool["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue == sender)

        let off = try await engine.deployer.update(stack: name, template: template, parameters: parameters(poolId, redirectEmail: false))
        try #require(off.succeeded, StackEngine.story(off))
        let smsOnly = try await engine.snapshot(pool: poolId)
        #expect(smsOnly.pool["LambdaConfig"]["CustomEmailSender"] == nil, "the pool's own email sending is back: \(StackEngine.story(off))")
        #expect(original.differences(to: smsOnly).sorted() == ["LambdaConfig.CustomSMSSender", "LambdaConfig.KMSKeyID"])
        let smsCode = try await engine.sendACode(.smsSignUp, through: off.stack, poolId: poolId)
        #expect(smsCode.record?["code"]?.stringValue == smsCode.sent, "an SMS code with RedirectEmail off: \(smsCode.wait.standardError)")

        let deleted = try await engine.deployer.delete(stack: name)
        try #require(deleted.succeeded, StackEngine.story(deleted))
        #expect(original.differences(to: try await engine.snapshot(pool: poolId)) == [])
    }

    /// CloudFormation's update of the sender resends the Layers the template declares (none),
    /// which takes the layer off (ministack does so too); the attachment's copy of the sender's
    /// configuration makes the helper put it back in the same update.
    @Test func senderConfigurationChangeKeepsTheLayerOnTheSender() async throws {
        let (name, poolId, original) = try await existingPoolStack("sender")
        let before = try await engine.resources(name)
        let layer = try #require(before["EncryptionSdkLayer"])
        let bigger = try await engine.template("existing-user-pool") { template in
            for path in [["SenderFunction", "Properties"], ["SMSRedirectAttachment", "Properties", "SenderConfiguration"]] {
                var properties = template["Resources"]?[path[0]]?["Properties"] ?? [:]
                if path.count == 2 {
                    properties["MemorySize"] = 512
                    properties["Timeout"] = 20
                } else {
                    properties["SenderConfiguration"]?["MemorySize"] = 512
                    properties["SenderConfiguration"]?["Timeout"] = 20
                }
                template["Resources"]?[path[0]]?["Properties"] = properties
            }
        }
        let updated = try await engine.deployer.update(stack: name, template: bigger, parameters: parameters(poolId))
        try #require(updated.succeeded, StackEngine.story(updated))
        let sender = try await engine.lambda.getFunctionConfiguration(functionName: try #require(try await engine.resources(name)["SenderFunction"]))
        #expect(sender.document["MemorySize"] == 512 && sender.document["Timeout"] == 20, "CloudFormation updated the sender: \(StackEngine.story(updated))")
        #expect(sender.layers == [layer], "the helper's Update put the layer back: \(StackEngine.story(updated))")
        #expect(updated.events.contains { $0.logicalResourceId == "SMSRedirectAttachment" && $0.status == "UPDATE_COMPLETE" })
        // The same attachment: a new id would make CloudFormation delete the old one, which would take the redirect off.
        #expect(try await engine.resources(name)["SMSRedirectAttachment"] == before["SMSRedirectAttachment"])
        let pool = try await engine.cognito.describeUserPool(id: poolId)
        #expect(pool["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue == sender.functionArn)
        let delivery = try await engine.sendACode(.smsAuthentication, through: updated.stack, poolId: poolId)
        #expect(delivery.record?["code"]?.stringValue == delivery.sent, "the updated sender delivers: \(delivery.wait.standardError)")

        let deleted = try await engine.deployer.delete(stack: name)
        try #require(deleted.succeeded, StackEngine.story(deleted))
        #expect(original.differences(to: try await engine.snapshot(pool: poolId)) == [], "the re-attach kept the first original")
    }

    @Test func failedUpdateRollsBackToThePreviousAttachment() async throws {
        let (name, poolId, original) = try await existingPoolStack("rollback")
        let attached = try await engine.snapshot(pool: poolId)
        let otherRole = "arn:aws:iam::\(Ministack.accountId):role/not-the-pools-sms-role"
        let updated = try await engine.deployer.update(
            stack: name, template: try await engine.template("existing-user-pool"), parameters: parameters(poolId, smsRole: otherRole))
        #expect(updated.stack.status == "UPDATE_ROLLBACK_COMPLETE", StackEngine.story(updated))
        let failure = try #require(updated.firstFailure, StackEngine.story(updated))
        #expect(failure.logicalResourceId == "SMSRedirectAttachment")
        #expect(failure.statusReason?.contains(DemoPool.smsRoleArn) == true, "the reason names the pool's role: \(failure.statusReason ?? "")")
        #expect(attached.differences(to: try await engine.snapshot(pool: poolId)) == [], "still the first attachment: \(StackEngine.story(updated))")

        let deleted = try await engine.deployer.delete(stack: name)
        try #require(deleted.succeeded, StackEngine.story(deleted))
        #expect(original.differences(to: try await engine.snapshot(pool: poolId)) == [])
    }

    /// CloudFormation follows a failed Create with a Delete of the custom resource
    /// (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/crpg-ref-requesttypes-delete.html);
    /// ministack sends none, so that Delete is sent by hand in HelperFaultTests, which checks it
    /// succeeds and touches nothing.
    @Test func createOnAPoolThatDoesNotExistRollsBackSayingSo() async throws {
        let name = StackEngine.stackName("nopool")
        let missing = "us-east-1_NoSuchPool0"
        let created = try await engine.create(name, template: try await engine.template("existing-user-pool"), parameters: parameters(missing, smsRole: ""))
        #expect(created.stack.status == "ROLLBACK_COMPLETE", StackEngine.story(created))
        let failure = try #require(created.firstFailure, StackEngine.story(created))
        #expect(failure.logicalResourceId == "SMSRedirectAttachment")
        #expect(failure.statusReason?.contains(missing) == true, "the reason names the pool: \(failure.statusReason ?? "")")
    }

    /// A pool that sends SMS through a role of its own, and a stack that names none: the helper
    /// refuses before any change (it could not pass the role to Cognito), and the pool is as it was.
    @Test func createWithoutThePoolsSMSRoleRollsBackLeavingThePoolAlone() async throws {
        let poolId = try await DemoPool.create(cognito: engine.cognito, name: Moto.uniqueName("norole"))
        let original = try await engine.snapshot(pool: poolId)
        let name = StackEngine.stackName("norole")
        let created = try await engine.create(name, template: try await engine.template("existing-user-pool"), parameters: parameters(poolId, smsRole: ""))
        #expect(created.stack.status == "ROLLBACK_COMPLETE", StackEngine.story(created))
        let reason = try #require(created.firstFailure?.statusReason, StackEngine.story(created))
        #expect(reason.contains("SMSRoleArn") && reason.contains(DemoPool.smsRoleArn), "the reason says what to set: \(reason)")
        #expect(original.differences(to: try await engine.snapshot(pool: poolId)) == [], StackEngine.story(created))
    }
}
