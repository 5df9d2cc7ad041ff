import AWSCore
import CustomResource
import Foundation
import Testing
import TestSupport

/// What the helper reads from EventBridge's envelopes, and what it refuses.
@Suite(.tags(.unit))
struct RedirectWatchEventTests {
    static func fixture() throws -> JSONValue { try WatchFixtures.cloudTrailRecord() }

    @Test func aCloudTrailRecordNamesTheCallThePoolTheCallerAndTheTime() throws {
        let event = try RedirectWatchEvent(envelope: Self.fixture())
        #expect(event.id == "6f4bd4e8-0b5e-4c7d-9d4a-1f2a3b4c5d6e")
        #expect(
            event.source
                == .cloudTrail(
                    eventName: "UpdateUserPool", userPoolId: "POOL_ID",
                    principal: "arn:aws:sts::123456789012:assumed-role/cdk-hnb659fds-cfn-exec-role-123456789012-us-east-1/AWSCloudFormation",
                    callerRole: "arn:aws:iam::123456789012:role/cdk-hnb659fds-cfn-exec-role-123456789012-us-east-1", time: "2026-12-07T09:15:01Z"))
    }

    @Test func aRecordWithoutTheSessionsArnNamesTheRoleThatIssuedIt() throws {
        var envelope = try Self.fixture()
        envelope["detail"]["userIdentity"]["arn"] = nil
        guard case let .cloudTrail(_, _, principal, _, _) = try RedirectWatchEvent(envelope: envelope).source else { Issue.record("not CloudTrail"); return }
        #expect(principal == "arn:aws:iam::123456789012:role/cdk-hnb659fds-cfn-exec-role-123456789012-us-east-1")
    }

    @Test func theScheduleIsAWatchEventToo() throws {
        let event = try RedirectWatchEvent(envelope: ["id": "e1", "detail-type": "Scheduled Event", "time": "2026-12-07T10:00:00Z", "detail": [:]])
        #expect(event.source == .schedule(time: "2026-12-07T10:00:00Z"))
    }

    @Test func otherEnvelopesAreRefusedNamingWhatIsWrong() {
        #expect(throws: RedirectWatchEvent.Unusable.noId) { try RedirectWatchEvent(envelope: ["detail-type": "Scheduled Event"]) }
        #expect(throws: RedirectWatchEvent.Unusable.otherDetailType(id: "e2", "EC2 Instance State-change Notification")) {
            try RedirectWatchEvent(envelope: ["id": "e2", "detail-type": "EC2 Instance State-change Notification"])
        }
        #expect(throws: RedirectWatchEvent.Unusable.noEventName(id: "e3")) {
            try RedirectWatchEvent(envelope: ["id": "e3", "detail-type": "AWS API Call via CloudTrail", "detail": [:]])
        }
        #expect(
            RedirectWatchEvent.Unusable.otherDetailType(id: "e2", "EC2 Instance State-change Notification").description
                == #"the EventBridge event e2 is a "EC2 Instance State-change Notification": the helper acts on "AWS API Call via CloudTrail" and "Scheduled Event" only"#
        )
    }

    /// The helper's event type: an envelope is a watch event; a CloudFormation event stays one.
    @Test func theHelperTellsWatchEventsFromCloudFormationEvents() throws {
        let watch = try JSONDecoder().decode(HelperEvent.self, from: try Self.fixture().data())
        guard case .watch = watch else { Issue.record("\(watch)"); return }
    }
}
