import AWSCore
import CustomResource
import Logging
import PoolConfig
import PoolJournal
import Testing
import TestSupport

/// The watch's decisions against in-memory pools that misbehave where moto can't (an update
/// refused, a detach caught half-way), and a notice publisher that records, or fails.
@Suite(.tags(.unit))
struct RedirectReconcilerTests {
    typealias Model = AttacherModelTests
    static let ownRole = "arn:aws:iam::123456789012:role/sms-redirect-HelperRole-1A2B3C"
    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    /// Records what it is asked to publish; fails the first `failing` publishes (SNS refusing).
    actor RecordingPublisher: NoticePublisher {
        private(set) var published: [RedirectNotice] = []
        private var failing: Int
        init(failing: Int = 0) { self.failing = failing }
        struct Refused: Error {}
        func publish(_ notice: RedirectNotice) async throws {
            if failing > 0 {
                failing -= 1
                throw Refused()
            }
            published.append(notice)
        }
    }

    struct Setup {
        let setup: AttacherVerifyTests.Setup
        let publisher: RecordingPublisher
        let reconciler: RedirectReconciler

        init(keepRedirect: Bool = true, failingPublishes: Int = 0) async throws {
            setup = try AttacherVerifyTests.Setup(startsWithTheirSender: false)
            publisher = RecordingPublisher(failing: failingPublishes)
            reconciler = RedirectReconciler(
                attacher: setup.attacher, notices: publisher, userPoolId: Model.poolId, keepRedirect: keepRedirect, ownRoleArn: RedirectReconcilerTests.ownRole)
            _ = try await setup.attacher.attach(Model.specs[0], context: ChangeContext(requestId: "create"))
        }

        /// The app's deploy: its own LambdaConfig, the redirect gone.
        func wipe() async { await setup.pools.edit(Model.poolId) { $0["LambdaConfig"] = ["PreSignUp": "arn:aws:lambda:us-east-1:123456789012:function:app"] } }

        func check(_ source: RedirectWatchEvent.Source = .schedule(time: nil), id: String = "e-\(Int.random(in: 0..<1_000_000))") async throws
            -> RedirectReconciler.Outcome
        {
            try await reconciler.reconcile(RedirectWatchEvent(id: id, source: source), logger: RedirectReconcilerTests.logger)
        }

        func senderNow() async throws -> String? { try await setup.pool().lambdaConfig.senderArn(.sms) }
    }

    static func record(by role: String) -> RedirectWatchEvent.Source {
        .cloudTrail(eventName: "UpdateUserPool", userPoolId: Model.poolId, principal: "\(role)/session", callerRole: role, time: "2026-12-07T09:15:01Z")
    }

    @Test func theHelpersOwnUpdatesAreNotLookedInto() async throws {
        let watch = try await Setup()
        await watch.wipe()
        #expect(try await watch.check(Self.record(by: Self.ownRole)) == .ownChange)
        #expect(try await watch.senderNow() == nil)
        #expect(await watch.publisher.published.isEmpty)
        guard case let .noticed(notice) = try await watch.check(Self.record(by: "arn:aws:iam::123456789012:role/cdk-exec")) else {
            Issue.record("another caller's update is looked into")
            return
        }
        #expect(notice.action == .reattached && notice.changedBy == "arn:aws:iam::123456789012:role/cdk-exec/session")
        #expect(try await watch.senderNow() == Model.functions[0])
    }

    /// A re-attach Cognito refuses rolls back with an UpdateUserPool of its own; the events that
    /// brings must not start the next try, and the next notice, for ever.
    @Test func aFailedReattachIsReportedOnceAndNotTriedOnEveryEvent() async throws {
        let watch = try await Setup()
        await watch.wipe()
        await watch.setup.pools.reject(next: 1)
        guard case let .noticed(notice) = try await watch.check() else { Issue.record("no notice"); return }
        #expect(notice.action == .reattachFailed && notice.failure?.contains("InvalidParameterException") == true, "\(notice)")
        #expect(try await watch.check() == .alreadyReported)
        #expect(try await watch.check() == .alreadyReported)
        #expect(await watch.publisher.published.map(\.action) == [.reattachFailed])
        #expect(await watch.setup.pools.applied.count == 1, "the attach's own update, and no try after the failed one")
    }

    /// The stack's Delete has journaled its start and is putting the pool back: an event that
    /// arrives meanwhile must not put the redirect on again.
    @Test func aDetachUnderWayIsNeverUndone() async throws {
        let watch = try await Setup()
        let active = try #require(try await watch.setup.journal.read { try $0.activeAttach(attachmentId: Model.specs[0].attachmentId) })
        var started = active.next(.started, detail: "")
        started.action = .detach
        _ = try await watch.setup.journal.append(started)
        await watch.wipe()
        #expect(try await watch.check() == .nothingInForce)
        #expect(try await watch.senderNow() == nil)
        #expect(await watch.publisher.published.isEmpty)
        // And the attach itself refuses to repeat an attachment being detached.
        let refused = await #expect(throws: AttachError.self) {
            try await watch.setup.attacher.attach(Model.specs[0], context: ChangeContext(requestId: "watch-late"), onlyRepeating: true)
        }
        #expect(refused.map { caseName($0.failure) } == "notInForce")
    }

    /// SNS refuses the notice: the journaled notice is published by a later check, and a notice
    /// that still cannot be published does not stop the check from putting the redirect back.
    @Test func aNoticeSNSRefusedIsSentLaterAndNeverBlocksTheCheck() async throws {
        let watch = try await Setup(failingPublishes: 2)
        await watch.wipe()
        await #expect(throws: RecordingPublisher.Refused.self) { try await watch.check() }
        #expect(try await watch.senderNow() == Model.functions[0], "the redirect is back; only the notice is owed")
        await watch.wipe()
        guard case .noticed = try await watch.check() else { Issue.record("the second wipe was not undone"); return }
        #expect(try await watch.senderNow() == Model.functions[0])
        #expect(await watch.publisher.published.count == 1, "the pending notice failed again (logged); the new one went out")
        #expect(try await watch.check() == .intact)
        #expect(await watch.publisher.published.count == 2, "the owed notice, sent by the next check")
    }
}
