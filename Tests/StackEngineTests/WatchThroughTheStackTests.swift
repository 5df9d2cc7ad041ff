import AWSCore
import AWSServices
import CustomResource
import Foundation
import PoolConfig
import StackDeploy
import Testing
import TestSupport

/// The watch (`KeepRedirect`) as deployed: the app's own stack owns the pool and its next deploy
/// wipes the redirect, as a CDK deploy does. The deployed rule's pattern matches CloudTrail's record
/// of that UpdateUserPool (the engine's own matcher says so) and the helper, handed that record as
/// EventBridge hands it over, puts the redirect back; a second wipe is found and undone by the
/// schedule, fired by the engine's EventBridge; each removal is told once on the topic; the
/// stack's Delete restores the pool's original triggers and keeps the app's own changes.
///
/// Where the engine differs from AWS: neither it nor moto records CloudTrail, and both (as AWS
/// does) refuse PutEvents with an `aws.` source, so the record is matched with TestEventPattern
/// and delivered by an asynchronous Invoke of the rule's target, which is how EventBridge invokes
/// a Lambda target (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html,
/// https://docs.aws.amazon.com/lambda/latest/dg/with-eventbridge-scheduler.html).
@Suite(.needsMinistack) struct WatchThroughTheStackTests {
    let engine: StackEngine
    let events: EventBridgeProbe
    init() throws {
        engine = try StackEngine()
        events = try EventBridgeProbe(configuration: engine.aws)
    }

    /// Polls until `condition` holds, for at most `limit` (a slow engine's schedule and async invokes).
    func eventually(_ limit: Duration, _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .seconds(1))
        }
        return try await condition()
    }

    /// The notices the code inbox holds (taken from it); code records are left alone.
    func notices(in queueUrl: String) async throws -> [RedirectNotice] {
        var found: [RedirectNotice] = []
        while true {
            let batch = try await engine.sqs.receiveMessage(queueUrl: queueUrl, maxNumberOfMessages: 10, waitTimeSeconds: 1)
            guard !batch.isEmpty else { return found }
            for message in batch {
                let body = try JSONValue(data: Data(message.body.utf8))
                guard let notice = body["Message"]?.stringValue.flatMap(RedirectNotice.decoded) else { continue }
                found.append(notice)
                try await engine.sqs.deleteMessage(queueUrl: queueUrl, receiptHandle: message.receiptHandle)
            }
        }
    }

    @Test func anAppDeployThatWipesTheRedirectIsUndoneByTheRuleAndByTheSchedule() async throws {
        let app = StackEngine.stackName("app"), redirect = StackEngine.stackName("watch")
        let created = try await engine.create(app, template: IaCOwnedPoolTests.appTemplate(name: app, message: "Your code is {####}"), parameters: [:])
        try #require(created.succeeded, StackEngine.story(created))
        let poolId = try #require(created.stack.outputs["UserPoolId"])

        // A schedule that does not fire during the rule's part; the second part shortens it.
        let parameters = ["UserPoolId": poolId, "EmailAddress": "codes@example.com", "SMSRoleArn": "", "KeepRedirect": "true", "WatchSchedule": "rate(1 day)"]
        let template = try await engine.template("existing-user-pool")
        let deployed = try await engine.create(redirect, template: template, parameters: parameters)
        try #require(deployed.succeeded, StackEngine.story(deployed))
        let sender = try #require(deployed.stack.outputs["SenderFunctionArn"])
        let inbox = try #require(deployed.stack.outputs["CodeInboxQueueUrl"])
        let resources = try await engine.resources(redirect)
        let rule = try #require(resources["WatchRule"]), helper = try #require(resources["HelperFunction"])
        func redirected() async throws -> Bool { try await engine.cognito.describeUserPool(id: poolId).lambdaConfig.senderArn(.sms) == sender }
        #expect(try await redirected())

        // The app's next deploy: its declared pool, without the redirect.
        let wiped = try await engine.deployer.update(
            stack: app, template: IaCOwnedPoolTests.appTemplate(name: app, message: "Your app code is {####}"), parameters: [:])
        try #require(wiped.succeeded, StackEngine.story(wiped))
        #expect(try await !redirected(), "the app's deploy wiped the trigger")

        // The rule's pattern matches CloudTrail's record of that call on this pool, and no other pool's.
        let pattern = try #require(try await events.rule(named: rule).eventPattern)
        let record = try Self.record(poolId: poolId)
        #expect(try await events.matches(pattern: pattern, event: record))
        #expect(try await !events.matches(pattern: pattern, event: try Self.record(poolId: "us-east-1_SomeoneElse")))
        let targets = try await events.targets(ofRule: rule)
        #expect(targets.count == 1 && targets.first?.hasSuffix(":function:\(helper)") == true, "\(targets)")

        // EventBridge's delivery: an asynchronous invoke of the target with the record.
        let invocation = try await engine.lambda.invoke(functionName: try #require(targets.first), payload: try record.data(), type: .event)
        #expect(invocation.statusCode == 202)
        #expect(try await eventually(Moto.arrivalTimeout) { try await redirected() }, "the rule's event did not put the redirect back")
        let pool = try await engine.cognito.describeUserPool(id: poolId)
        #expect(pool["SmsVerificationMessage"]?.stringValue == "Your app code is {####}", "the app's own change stays")

        // The schedule: shortened by a stack update, it finds the next wipe and undoes it.
        let faster = try await engine.deployer.update(
            stack: redirect, template: template, parameters: parameters.merging(["WatchSchedule": "rate(1 minute)"]) { $1 })
        try #require(faster.succeeded, StackEngine.story(faster))
        let again = try await engine.deployer.update(
            stack: app, template: IaCOwnedPoolTests.appTemplate(name: app, message: "Your next app code is {####}"), parameters: [:])
        try #require(again.succeeded, StackEngine.story(again))
        #expect(try await eventually(Moto.arrivalTimeout * 2) { try await redirected() }, "the schedule did not put the redirect back")

        // Each removal told once: by the rule's record (who and when), then by the schedule.
        var told: [RedirectNotice] = []
        _ = try await eventually(Moto.arrivalTimeout) {
            told += try await notices(in: inbox)
            return told.count >= 2
        }
        told += try await notices(in: inbox)
        #expect(told.map(\.detectedBy) == ["cloudtrail", "schedule"], "\(told)")
        #expect(told.allSatisfy { $0.action == .reattached && $0.userPoolId == poolId && $0.removed.first?.member == "LambdaConfig.CustomSMSSender" })
        #expect(told.first?.changedBy?.contains("cdk-hnb659fds-cfn-exec-role") == true)

        // The Delete: the watch stops first, then the pool's triggers go back; the app's message stays.
        let deleted = try await engine.deployer.delete(stack: redirect)
        #expect(deleted.succeeded, StackEngine.story(deleted))
        let restored = try await engine.cognito.describeUserPool(id: poolId)
        #expect(restored.lambdaConfig.senderArn(.sms) == nil && restored.lambdaConfig.kmsKeyID == nil, "\(restored["LambdaConfig"] ?? .null)")
        #expect(restored["SmsVerificationMessage"]?.stringValue == "Your next app code is {####}")
        _ = try await engine.deployer.delete(stack: app)
    }

    /// CloudTrail's record (fixtures/watch) of an UpdateUserPool on `poolId`, as EventBridge delivers it.
    static func record(poolId: String) throws -> JSONValue {
        try WatchFixtures.cloudTrailRecord(poolId: poolId, id: UUID().uuidString.lowercased())
    }
}
