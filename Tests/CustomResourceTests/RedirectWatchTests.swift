import AWSCore
import AWSServices
import CustomResource
import Foundation
import LambdaLocal
import PoolConfig
import PoolJournal
import Testing
import TestSupport

/// The watch (`KeepRedirect`) through the built helper on moto: the app's own deployment sends
/// UpdateUserPool with its own `LambdaConfig`, as a CDK, Terraform or Amplify deploy does; the
/// watch event puts the redirect back, keeps the app's change, says so once on the topic, and the
/// stack's Delete still restores the first original.
///
/// moto records no CloudTrail and has no EventBridge delivery: the helper is handed the envelope
/// EventBridge delivers (fixtures/watch), as Lambda hands it an event. The engine tests deliver the
/// schedule's events through ministack's EventBridge, and check the rule's pattern against the same
/// envelope.
@Suite(.needsMoto)
struct RedirectWatchTests {
    struct Setup {
        let harness: HelperHarness
        let target: HelperHarness.Target
        let sns: SNSClient
        let sqs: SQSClient
        let topic: String
        let noticeQueue: String
        let physicalId: String

        static func make(fixture: String = "02-phone-username-sms-mfa-on") async throws -> Setup {
            let harness = try await HelperHarness.make()
            let target = try await harness.makeTarget(fixture: fixture)
            let sns = try SNSClient(configuration: Moto.configuration()), sqs = try SQSClient(configuration: Moto.configuration())
            let (topic, queue) = try await MotoResources.makeSubscribedInbox(sns: sns, sqs: sqs)
            let create = try await harness.event(.create, properties: harness.properties(target))
            try await harness.run([create])
            let response = try await harness.inbox.response(for: create.requestId)
            #expect(response["Status"]?.stringValue == "SUCCESS", "\(response["Reason"]?.stringValue ?? "")")
            return Setup(
                harness: harness, target: target, sns: sns, sqs: sqs, topic: topic, noticeQueue: queue,
                physicalId: try #require(response["PhysicalResourceId"]?.stringValue))
        }

        func environment(keepRedirect: Bool) -> [String: String] {
            ["USER_POOL_ID": target.poolId, "NOTICE_TOPIC_ARN": topic, "KEEP_REDIRECT": keepRedirect ? "true" : "false"]
        }

        /// The app's deployment: the pool as its IaC declares it, whole (UpdateUserPool resets
        /// what it is not sent), with a LambdaConfig of its own and a message of its own.
        func appDeploys(preSignUp: String = "arn:aws:lambda:us-east-1:123456789012:function:app-pre-sign-up") async throws {
            var request = try UpdateUserPoolRequest.carryingOver(try await harness.cognito.describeUserPool(id: target.poolId))
            request["LambdaConfig"] = ["PreSignUp": .string(preSignUp)]
            request["SmsAuthenticationMessage"] = "App sign-in code: {####}"
            try await harness.cognito.updateUserPool(request)
        }

        /// Runs the helper on watch events, one process for all; returns each answer's status.
        func watch(_ payloads: [Data], keepRedirect: Bool) async throws -> [String] {
            let report = try await harness.run(payloads: payloads, environment: environment(keepRedirect: keepRedirect))
            return report.outcomes.map { outcome in
                guard case let .response(data) = outcome, let status = (try? JSONValue(data: data))?["status"]?.stringValue else { return "\(outcome)" }
                return status
            }
        }

        /// The notices on the topic's queue (taken from it).
        func notices() async throws -> [RedirectNotice] {
            var notices: [RedirectNotice] = []
            while true {
                let batch = try await sqs.receiveMessage(queueUrl: noticeQueue, maxNumberOfMessages: 10, waitTimeSeconds: 1)
                guard !batch.isEmpty else { return notices }
                for message in batch {
                    let envelope = try JSONValue(data: Data(message.body.utf8))
                    notices.append(try #require(envelope["Message"]?.stringValue.flatMap(RedirectNotice.decoded), "\(message.body)"))
                    try await sqs.deleteMessage(queueUrl: noticeQueue, receiptHandle: message.receiptHandle)
                }
            }
        }
    }

    static func cloudTrailEvent(poolId: String, id: String = UUID().uuidString) throws -> Data {
        try WatchFixtures.cloudTrailRecord(poolId: poolId, id: id).data()
    }

    static func scheduledEvent(id: String = UUID().uuidString) throws -> Data {
        let event: JSONValue = [
            "version": "0", "id": .string(id), "detail-type": "Scheduled Event", "source": "aws.events", "account": "123456789012",
            "time": "2026-12-07T10:00:00Z", "region": "us-east-1", "resources": ["arn:aws:events:us-east-1:123456789012:rule/watch"], "detail": [:],
        ]
        return try event.data()
    }

    @Test func anAppDeployThatDropsTheTriggerIsUndoneOnceAndTheDeleteStillRestoresTheOriginal() async throws {
        let setup = try await Setup.make()
        let target = setup.target
        try await setup.appDeploys()
        let wiped = try await setup.harness.cognito.describeUserPool(id: target.poolId)
        #expect(wiped.lambdaConfig.senderArn(.sms) == nil, "the app's deploy removed the trigger, as UpdateUserPool does")

        let event = try Self.cloudTrailEvent(poolId: target.poolId)
        // The event, its redelivery (EventBridge delivers at least once), and the schedule after.
        let statuses = try await setup.watch([event, event, try Self.scheduledEvent()], keepRedirect: true)
        #expect(statuses == ["WATCH_REATTACHED", "WATCH_INTACT", "WATCH_INTACT"])

        let restored = try await setup.harness.cognito.describeUserPool(id: target.poolId)
        #expect(restored.lambdaConfig.senderArn(.sms) == target.function.functionArn)
        #expect(restored.lambdaConfig.kmsKeyID == target.keyArn)
        #expect(
            restored["LambdaConfig"]["PreSignUp"]?.stringValue == "arn:aws:lambda:us-east-1:123456789012:function:app-pre-sign-up", "the app's trigger stays")
        #expect(restored["SmsAuthenticationMessage"]?.stringValue == "App sign-in code: {####}", "the app's other change stays")

        let notices = try await setup.notices()
        #expect(notices.count == 1, "exactly one notice: \(notices)")
        let notice = try #require(notices.first)
        #expect(notice.action == .reattached && notice.detectedBy == "cloudtrail" && notice.userPoolId == target.poolId)
        #expect(notice.changedBy == "arn:aws:sts::123456789012:assumed-role/cdk-hnb659fds-cfn-exec-role-123456789012-us-east-1/AWSCloudFormation")
        #expect(notice.changedAt == "2026-12-07T09:15:01Z")
        #expect(
            notice.removed == [
                .init(member: "LambdaConfig.CustomSMSSender", was: target.function.functionArn, now: nil),
                .init(member: "LambdaConfig.KMSKeyID", was: target.keyArn, now: nil),
            ])

        // The journal: one re-attach under the event's id, keeping the first original, and the notice.
        let entries = try await setup.harness.journalEntries()
        let attaches = entries.filter { $0.action == .attach && $0.status == .succeeded }
        #expect(attaches.count == 2 && attaches.last?.requestId.hasPrefix("watch-") == true)
        #expect(attaches.last?.originalPool == attaches.first?.originalPool, "the re-attach keeps the first original")
        #expect(entries.filter { $0.action == .notice }.map(\.status) == [.started, .succeeded])

        // The stack's Delete restores the first original's triggers, and leaves the app's changes.
        let delete = try await setup.harness.event(.delete, properties: setup.harness.properties(target), physicalId: setup.physicalId)
        try await setup.harness.run([delete])
        #expect(try await setup.harness.inbox.response(for: delete.requestId)["Status"]?.stringValue == "SUCCESS")
        let deleted = try await setup.harness.cognito.describeUserPool(id: target.poolId)
        #expect(deleted.lambdaConfig.senderArn(.sms) == target.original.lambdaConfig.senderArn(.sms))
        #expect(deleted.lambdaConfig.kmsKeyID == target.original.lambdaConfig.kmsKeyID)
        #expect(deleted["LambdaConfig"]["PreSignUp"]?.stringValue != nil && deleted["SmsAuthenticationMessage"]?.stringValue == "App sign-in code: {####}")
        // After the Delete, a late event finds nothing in force and changes nothing.
        #expect(try await setup.watch([try Self.scheduledEvent()], keepRedirect: true) == ["WATCH_NOTHING_IN_FORCE"])
        #expect(try await setup.harness.cognito.describeUserPool(id: target.poolId) == deleted)
    }

    @Test func withoutKeepRedirectTheScheduleReportsEachRemovalOnceAndChangesNothing() async throws {
        let setup = try await Setup.make(fixture: "01-minimal")
        try await setup.appDeploys()
        let wiped = try await setup.harness.cognito.describeUserPool(id: setup.target.poolId)
        #expect(
            try await setup.watch([try Self.scheduledEvent(), try Self.scheduledEvent()], keepRedirect: false) == ["WATCH_REPORTED", "WATCH_ALREADY_REPORTED"])
        #expect(try await setup.harness.cognito.describeUserPool(id: setup.target.poolId) == wiped, "a report changes nothing")
        let first = try await setup.notices()
        #expect(first.map(\.action) == [.reported] && first.first?.detectedBy == "schedule" && first.first?.changedBy == nil)

        // Another deploy, another LambdaConfig: another removal, another notice.
        try await setup.appDeploys(preSignUp: "arn:aws:lambda:us-east-1:123456789012:function:app-pre-sign-up-v2")
        #expect(try await setup.watch([try Self.scheduledEvent()], keepRedirect: false) == ["WATCH_REPORTED"])
        #expect(try await setup.notices().count == 1)
    }

    @Test func aRecordOfAnotherPoolOrCallIsNotLookedInto() async throws {
        let setup = try await Setup.make(fixture: "01-minimal")
        try await setup.appDeploys()
        var anotherCall = try JSONValue(data: try Self.cloudTrailEvent(poolId: setup.target.poolId))
        anotherCall["detail"]["eventName"] = "CreateUserPoolClient"
        let statuses = try await setup.watch([try Self.cloudTrailEvent(poolId: "us-east-1_SomeoneElse"), try anotherCall.data()], keepRedirect: true)
        #expect(statuses == ["WATCH_NOT_THIS_POOL", "WATCH_NOT_THIS_POOL"])
        #expect(try await setup.harness.cognito.describeUserPool(id: setup.target.poolId).lambdaConfig.senderArn(.sms) == nil, "nothing was put back")
        #expect(try await setup.notices().isEmpty)
    }
}
