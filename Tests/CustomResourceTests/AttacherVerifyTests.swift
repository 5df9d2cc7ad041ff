import AWSCore
import CustomResource
import Foundation
import Logging
import PoolConfig
import PoolJournal
import Testing
import TestSupport

/// The attacher's plan, verify and roll back paths against in-memory services that misbehave in
/// the ways moto can't: reset a member they were sent, reject an update, refuse it as concurrent,
/// change the pool between the describe and the update.
@Suite(.tags(.unit))
struct AttacherVerifyTests {
    typealias Model = AttacherModelTests

    struct Setup {
        let pools: InMemoryUserPools
        let lambda: InMemorySenderFunctions
        let journal: OpenJournalStore
        let attacher: Attacher
        let initial: JSONValue

        init(startsWithTheirSender: Bool = true) throws {
            initial = Model.initialPool(startsWithTheirSender: startsWithTheirSender)
            pools = InMemoryUserPools(initial)
            lambda = InMemorySenderFunctions(layers: Dictionary(uniqueKeysWithValues: Model.functions.map { ($0, [Model.otherLayer]) }))
            journal = try OpenJournalStore()
            var attacher = Attacher(
                cognito: pools, lambda: lambda, journal: journal, region: "us-east-1", logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
            attacher.concurrentUpdateBackoff = [.zero, .zero]
            self.attacher = attacher
        }

        /// The pool now, less the member every update changes.
        func pool() async throws -> JSONValue {
            var pool = try #require(await pools.pool(Model.poolId))
            pool["LastModifiedDate"] = initial["LastModifiedDate"]
            return pool
        }

        func statuses() async throws -> [JournalEntry.Status] { try await journal.read { try $0.all().map(\.status) } }
        func lastDetail() async throws -> String? { try await journal.read { try $0.all().last?.detail } }
    }

    static let context = ChangeContext(requestId: "request-1")

    @Test func aMemberResetByTheUpdateFailsTheAttachAndPutsThePoolBack() async throws {
        let setup = try Setup()
        await setup.pools.resetOnNextUpdate("SmsAuthenticationMessage")
        let failure = try #require(await #expect(throws: AttachError.self) { try await setup.attacher.attach(Model.specs[0], context: Self.context) })
        guard case let .poolNotAsSent(differences) = failure.failure else { Issue.record("\(failure)"); return }
        #expect(differences == [PoolDiff.Difference(path: "SmsAuthenticationMessage", before: "Your code is {####}", after: nil)])
        #expect(failure.rollback.map(caseName) == ["poolRestored", "layersRestored"], "\(failure)")
        #expect(try await setup.pool() == setup.initial)
        #expect(await setup.lambda.layers(of: Model.functions[0]) == [Model.otherLayer])
        #expect(try await setup.statuses() == [.started, .failed])
        #expect(try await setup.lastDetail()?.contains("SmsAuthenticationMessage") == true)
        // The follow-up Delete finds nothing in force and touches nothing.
        let detach = try await setup.attacher.detach(attachmentId: Model.specs[0].attachmentId, context: ChangeContext(requestId: "request-2"))
        #expect(detach.skipped != nil)
        #expect(try await setup.pool() == setup.initial)
    }

    static let factors: [String: JSONValue] = [
        "SoftwareTokenMfaConfiguration": ["Enabled": true],
        "EmailMfaConfiguration": ["Message": "Your code is {####}", "Subject": "Sign-in code"],
        "WebAuthnConfiguration": ["RelyingPartyId": "example.com", "UserVerification": "preferred"],
    ]

    @Test func theMFAFactorsAreJournaledAndAFactorTheUpdateTurnedOffFailsTheAttach() async throws {
        let setup = try Setup()
        await setup.pools.setFactors(Model.poolId, Self.factors)
        let before = try await setup.pools.getUserPoolMfaConfig(id: Model.poolId)
        await setup.pools.dropFactorOnNextUpdate("SoftwareTokenMfaConfiguration")
        let failure = try #require(await #expect(throws: AttachError.self) { try await setup.attacher.attach(Model.specs[0], context: Self.context) })
        let turnedOff = [PoolDiff.Difference(path: "SoftwareTokenMfaConfiguration.Enabled", before: true, after: false)]
        guard case let .mfaFactorsChanged(differences) = failure.failure else { Issue.record("\(failure)"); return }
        #expect(differences == turnedOff)
        // UpdateUserPool cannot turn a software-token factor back on: the rollback says so rather than claim success.
        guard case let .poolRestoredButDiffers(left)? = failure.rollback.first else { Issue.record("\(failure)"); return }
        #expect(left == turnedOff)
        #expect(try await setup.pool() == setup.initial)
        let started = try #require(try await setup.journal.read { try $0.all().first })
        #expect(started.originalMfaConfig == before)
        #expect(started.originalMfaConfig?["WebAuthnConfiguration"]["RelyingPartyId"]?.stringValue == "example.com")
    }

    @Test func aDetachChecksTheMFAFactorsAgainstTheJournaledOnes() async throws {
        let setup = try Setup()
        await setup.pools.setFactors(Model.poolId, Self.factors)
        _ = try await setup.attacher.attach(Model.specs[0], context: Self.context)
        await setup.pools.dropFactorOnNextUpdate("SoftwareTokenMfaConfiguration")
        let detach = try await setup.attacher.detach(attachmentId: Model.specs[0].attachmentId, context: ChangeContext(requestId: "request-2"))
        #expect(
            detach.notes == [.mfaDiffers([PoolDiff.Difference(path: "SoftwareTokenMfaConfiguration.Enabled", before: true, after: false)])], "\(detach.notes)")
        #expect(try await setup.pool() == setup.initial, "the pool itself is restored; the note is about the factor only")
    }

    /// A journal that stores only the first `keep` rows of the attacher using it and drops the rest
    /// as if written: the journal a helper stopped right after its changes leaves behind.
    struct JournalCutOffAfter: JournalStore {
        let inner: OpenJournalStore
        let keep: Int
        let appended = Counter()
        var location: String { inner.location }
        func append(_ entry: JournalEntry) async throws -> JournalEntry {
            guard await appended.next() <= keep else { return entry }
            return try await inner.append(entry)
        }
        func read<T: Sendable>(_ body: @Sendable (JournalDatabase) throws -> T) async throws -> T { try await inner.read(body) }
    }

    actor Counter {
        private var value = 0
        func next() -> Int { value += 1; return value }
    }

    @Test func aDeleteUndoesAnAttachCutOffAfterItsChanges() async throws {
        let setup = try Setup()
        let cutOff = Attacher(
            cognito: setup.pools, lambda: setup.lambda, journal: JournalCutOffAfter(inner: setup.journal, keep: 1),
            region: "us-east-1", logger: Logger(label: "test") { _ in SwiftLogNoOpLogHandler() })
        _ = try await cutOff.attach(Model.specs[0], context: Self.context)
        #expect(try await setup.pool()["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue == Model.functions[0])
        #expect(await setup.lambda.layers(of: Model.functions[0]) == [Model.otherLayer, Model.layer])
        #expect(try await setup.statuses() == [.started], "the start is all the journal holds")

        // The first Delete's undo fails (Cognito refuses every update): the attach stays
        // interrupted, so the retried Delete undoes it instead of finding nothing.
        await setup.pools.failEveryUpdate(afterApplying: 0)
        await #expect(throws: DetachError.self) {
            try await setup.attacher.detach(attachmentId: Model.specs[0].attachmentId, context: ChangeContext(requestId: "delete-1"))
        }
        await setup.pools.endOutage()
        let detach = try await setup.attacher.detach(attachmentId: Model.specs[0].attachmentId, context: ChangeContext(requestId: "delete-2"))
        #expect(detach.skipped == nil)
        #expect(detach.notes.map(caseName) == ["undidInterruptedAttach"], "\(detach.notes)")
        #expect(try await setup.pool() == setup.initial)
        #expect(await setup.lambda.layers(of: Model.functions[0]) == [Model.otherLayer])
        #expect(
            try await setup.statuses() == [.started, .started, .failed, .started, .failed, .succeeded],
            "the attach's start, the failed undo, the retried undo that also closes the attach")
        // A late redelivery of the cut-off Create changes nothing: its story ended with the undo.
        let redelivered = await #expect(throws: AttachError.self) { try await setup.attacher.attach(Model.specs[0], context: Self.context) }
        guard case let .failedBefore(detail)? = redelivered?.failure else { Issue.record("\(String(describing: redelivered))"); return }
        #expect(detail == "cut off mid-change; undone by the Delete delete-2")
        #expect(try await setup.pool() == setup.initial)
        // And a further Delete finds nothing left to undo.
        let again = try await setup.attacher.detach(attachmentId: Model.specs[0].attachmentId, context: ChangeContext(requestId: "delete-3"))
        #expect(again.skipped != nil)
    }

    /// The publish-a-layer mode on a sender that already has Lambda's five layers: the version
    /// published for it is deleted again, and nothing else changes.
    @Test func aPublishedLayerThatDoesNotFitIsDeletedAgain() async throws {
        let setup = try Setup()
        let full = (1...5).map { "arn:aws:lambda:us-east-1:123456789012:layer:theirs-\($0):1" }
        try await setup.lambda.setLayers(full, functionName: Model.functions[0])
        var spec = Model.specs[0]
        spec.layer = .publish(name: "smsredirect-esdk", bucket: "artifacts", key: "esdk-layer.zip")
        let failure = try #require(await #expect(throws: AttachError.self) { try await setup.attacher.attach(spec, context: Self.context) })
        guard case let .tooManyLayers(_, count, current) = failure.failure else { Issue.record("\(failure)"); return }
        #expect(count == 6 && current == full)
        guard case let .layerVersionDeleted(deleted)? = failure.rollback.first, failure.rollback.count == 1 else { Issue.record("\(failure)"); return }
        #expect(deleted == "arn:aws:lambda:us-east-1:123456789012:layer:smsredirect-esdk:1")
        #expect(await setup.lambda.publishedVersions.isEmpty)
        #expect(await setup.lambda.layers(of: Model.functions[0]) == full)
        #expect(try await setup.pool() == setup.initial)
        #expect(try await setup.statuses() == [.started, .started, .failed], "the start, the published version, the failure")
    }

    @Test func aRejectedUpdateChangesNothing() async throws {
        let setup = try Setup()
        await setup.pools.reject(next: 1)
        let failure = await #expect(throws: AttachError.self) { try await setup.attacher.attach(Model.specs[0], context: Self.context) }
        #expect(failure.map { caseName($0.failure) } == "callFailed", "\(String(describing: failure))")
        #expect(failure?.rollback.map(caseName) == ["layersRestored"], "the layer went on before the update: it comes off again")
        #expect((failure?.underlying as? AWSError)?.isInvalidParameter == true, "the AWS error is kept as the cause, not only as words")
        #expect(try await setup.pool() == setup.initial)
        #expect(await setup.lambda.layers(of: Model.functions[0]) == [Model.otherLayer])
        #expect(await setup.pools.applied.isEmpty)
    }

    @Test func aConcurrentUpdateIsRetriedAndGivenUpOnAtLast() async throws {
        let patient = try Setup()
        await patient.pools.refuseAsConcurrent(next: 2)
        _ = try await patient.attacher.attach(Model.specs[0], context: Self.context)
        #expect(await patient.pools.applied.count == 1)
        #expect(try await patient.pool()["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue == Model.functions[0])

        let busy = try Setup()
        await busy.pools.refuseAsConcurrent(next: 3)
        let failure = await #expect(throws: AttachError.self) { try await busy.attacher.attach(Model.specs[0], context: Self.context) }
        #expect((failure?.underlying as? AWSError)?.isConcurrentModification == true, "\(String(describing: failure))")
        #expect(try await busy.pool() == busy.initial)
    }

    @Test func someoneElsesChangeBetweenTheDescribeAndTheUpdateIsLeftAlone() async throws {
        let setup = try Setup()
        await setup.pools.editAfterNextDescribe { $0["SmsAuthenticationMessage"] = "their message {####}" }
        let failure = await #expect(throws: AttachError.self) { try await setup.attacher.attach(Model.specs[0], context: Self.context) }
        guard case let .poolChangedMeanwhile(differences)? = failure?.failure else { Issue.record("\(String(describing: failure))"); return }
        #expect(differences == [PoolDiff.Difference(path: "SmsAuthenticationMessage", before: "Your code is {####}", after: "their message {####}")])
        var expected = setup.initial
        expected["SmsAuthenticationMessage"] = "their message {####}"
        #expect(try await setup.pool() == expected)
        #expect(await setup.pools.applied.isEmpty)
        #expect(await setup.lambda.layers(of: Model.functions[0]) == [Model.otherLayer])
    }

    @Test func aRestoreThatComesOutOtherwiseIsJournaledAndReported() async throws {
        let setup = try Setup()
        _ = try await setup.attacher.attach(Model.specs[0], context: Self.context)
        await setup.pools.resetOnNextUpdate("MfaConfiguration")
        let detach = try await setup.attacher.detach(attachmentId: Model.specs[0].attachmentId, context: ChangeContext(requestId: "request-2"))
        #expect(detach.notes == [.restoreDiffers([PoolDiff.Difference(path: "MfaConfiguration", before: "OFF", after: nil)])], "\(detach.notes)")
        #expect(try await setup.lastDetail()?.contains("MfaConfiguration") == true)
        #expect(try await setup.pool()["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue == Model.priorSender)
    }

    /// CloudFormation's rollback of a failed update deletes the replacement attachment after the
    /// old one is back in charge: the pool goes back to the old attachment, not to the original.
    @Test func detachingTheNewerAttachmentHandsThePoolBackToTheOlder() async throws {
        let setup = try Setup()
        _ = try await setup.attacher.attach(Model.specs[0], context: Self.context)
        _ = try await setup.attacher.attach(Model.specs[1], context: ChangeContext(requestId: "request-2"))
        #expect(try await setup.pool()["LambdaConfig"]["KMSKeyID"]?.stringValue == Model.keys[1])
        let handedBack = try await setup.attacher.detach(attachmentId: Model.specs[1].attachmentId, context: ChangeContext(requestId: "request-3"))
        #expect(handedBack.notes == [.handedBackTo(attachmentId: Model.specs[0].attachmentId)], "\(handedBack.notes)")
        #expect(try await setup.pool()["LambdaConfig"]["KMSKeyID"]?.stringValue == Model.keys[0])
        #expect(try await setup.pool()["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue == Model.functions[0])
        #expect(await setup.lambda.layers(of: Model.functions[0]) == [Model.otherLayer, Model.layer])

        _ = try await setup.attacher.detach(attachmentId: Model.specs[0].attachmentId, context: ChangeContext(requestId: "request-4"))
        #expect(try await setup.pool() == setup.initial)
        #expect(await setup.lambda.layers(of: Model.functions[0]) == [Model.otherLayer])
    }

    /// A CustomSMSSender someone else set is replaced, and the attach says so (the response's
    /// `ReplacedSender`, the journal, the log), on a redelivery too; a pool with none says nothing.
    @Test func aReplacedSenderIsNamedAtAttachTime() async throws {
        let theirs = try Setup(startsWithTheirSender: true)
        let result = try await theirs.attacher.attach(Model.specs[0], context: Self.context)
        #expect(result.replacedSender == Model.priorSender)
        #expect(try await theirs.lastDetail()?.contains("replaces the pool's own CustomSMSSender \(Model.priorSender)") == true)
        #expect(try await theirs.attacher.attach(Model.specs[0], context: Self.context).replacedSender == Model.priorSender)
        let again = try await theirs.attacher.attach(Model.specs[0], context: ChangeContext(requestId: "request-2"))
        #expect(again.replacedSender == Model.priorSender, "a re-attach still replaces the sender the pool had before the first")

        let none = try Setup(startsWithTheirSender: false)
        #expect(try await none.attacher.attach(Model.specs[0], context: Self.context).replacedSender == nil)
    }

    // MARK: Recovery paths: what each leaves behind

    @Test func aRollbackThatAlsoFailsSaysSoAndHowToRestore() async throws {
        let setup = try Setup()
        await setup.pools.resetOnNextUpdate("SmsAuthenticationMessage")
        await setup.pools.failEveryUpdate(afterApplying: 1)
        let failure = await #expect(throws: AttachError.self) { try await setup.attacher.attach(Model.specs[0], context: Self.context) }
        #expect(failure?.rollback.map(caseName) == ["poolRestoreFailed", "layersRestored"], "\(String(describing: failure))")
        #expect(try await setup.statuses() == [.started, .failed])
        #expect(try await setup.lastDetail()?.contains("ALSO FAILED") == true)
        // The journal keeps the original for the by-hand restore the reason points to.
        let original = try await setup.journal.read { try $0.all().first?.originalPool }
        #expect(original == setup.initial)
        #expect(await setup.lambda.layers(of: Model.functions[0]) == [Model.otherLayer])
    }

    @Test func aDetachWhoseUpdateFailsKeepsTheAttachmentForARetry() async throws {
        let setup = try Setup()
        _ = try await setup.attacher.attach(Model.specs[0], context: Self.context)
        await setup.pools.reject(next: 1)
        let failure = await #expect(throws: DetachError.self) {
            try await setup.attacher.detach(attachmentId: Model.specs[0].attachmentId, context: ChangeContext(requestId: "delete-1"))
        }
        #expect((failure?.underlying as? AWSError)?.isInvalidParameter == true, "\(String(describing: failure))")
        #expect(try await setup.statuses() == [.started, .succeeded, .started, .failed])
        #expect(try await setup.journal.read { try $0.activeAttach(attachmentId: Model.specs[0].attachmentId) } != nil, "the attach is still in force")
        // CloudFormation retries the Delete under a new request id: it restores the pool.
        let retried = try await setup.attacher.detach(attachmentId: Model.specs[0].attachmentId, context: ChangeContext(requestId: "delete-2"))
        #expect(retried.skipped == nil)
        #expect(try await setup.pool() == setup.initial)
        #expect(await setup.lambda.layers(of: Model.functions[0]) == [Model.otherLayer])
        // A Delete delivered twice answers the same and changes nothing more.
        let twice = try await setup.attacher.detach(attachmentId: Model.specs[0].attachmentId, context: ChangeContext(requestId: "delete-2"))
        #expect(twice.replayed)
        #expect(twice.notes.map(\.description) == retried.notes.map(\.description), "the answer CloudFormation sees (LeftAlone) is the same")
        #expect(try await setup.pool() == setup.initial)
    }

    /// The helper died after journaling `started` and after the update went through; the
    /// redelivered Create must take the journaled original, not the pool it finds (already ours).
    @Test func aRedeliveryAfterACrashReusesTheJournaledOriginal() async throws {
        let setup = try Setup()
        let spec = Model.specs[0]
        _ = try await setup.journal.append(
            JournalEntry(
                attachmentId: spec.attachmentId, requestId: Self.context.requestId, action: .attach, status: .started,
                poolId: Model.poolId, region: "us-east-1", senderArn: spec.senderFunctionArn, kmsKeyArn: spec.kmsKeyArn,
                originalPool: setup.initial, originalLayers: [Model.otherLayer]))
        await setup.pools.edit(Model.poolId) { pool in
            pool["LambdaConfig"] = [
                "CustomSMSSender": ["LambdaArn": .string(spec.senderFunctionArn), "LambdaVersion": "V1_0"], "KMSKeyID": .string(spec.kmsKeyArn),
            ]
        }
        let result = try await setup.attacher.attach(spec, context: Self.context)
        #expect(!result.replayed)
        #expect(result.replacedSender == Model.priorSender, "the original, not the pool as found, is what was replaced")
        #expect(try await setup.statuses() == [.started, .succeeded], "the redelivery journals no second start")
        _ = try await setup.attacher.detach(attachmentId: spec.attachmentId, context: ChangeContext(requestId: "delete-1"))
        #expect(try await setup.pool() == setup.initial)
    }

    // MARK: A model gap never blocks a Delete

    /// Cognito added a setting after the attach that this release's model does not know: the
    /// attach would have refused, but the Delete carries it through verbatim and restores the pool.
    @Test func aMemberTheModelDoesNotKnowIsCarriedThroughADelete() async throws {
        let setup = try Setup()
        _ = try await setup.attacher.attach(Model.specs[0], context: Self.context)
        await setup.pools.edit(Model.poolId) { $0["SettingFromNextYear"] = ["Enabled": true] }
        let detach = try await setup.attacher.detach(attachmentId: Model.specs[0].attachmentId, context: ChangeContext(requestId: "delete-1"))
        #expect(detach.skipped == nil && detach.notes.isEmpty, "\(detach.notes)")
        #expect(await setup.pools.applied.last?["SettingFromNextYear"] == ["Enabled": true], "sent verbatim, not dropped (UpdateUserPool would reset it)")
        var expected = setup.initial
        expected["SettingFromNextYear"] = ["Enabled": true]
        #expect(try await setup.pool() == expected)

        // And the attach still refuses such a pool, changing nothing.
        let failure = await #expect(throws: AttachError.self) {
            try await setup.attacher.attach(Model.specs[0], context: ChangeContext(requestId: "create-2"))
        }
        guard case let .unknownMember(path, _)? = failure?.underlying as? PoolConfigError else { Issue.record("\(String(describing: failure))"); return }
        #expect(path == "SettingFromNextYear")
        #expect(try await setup.pool() == expected)
    }

    @Test func aDeleteThatCognitoRefusesForAnUnknownMemberNamesItAndWhatToDo() async throws {
        let setup = try Setup()
        _ = try await setup.attacher.attach(Model.specs[0], context: Self.context)
        await setup.pools.edit(Model.poolId) { $0["SettingFromNextYear"] = ["Enabled": true] }
        await setup.pools.refuse(member: "SettingFromNextYear")
        let failure = await #expect(throws: DetachError.self) {
            try await setup.attacher.detach(attachmentId: Model.specs[0].attachmentId, context: ChangeContext(requestId: "delete-1"))
        }
        guard case let .unknownMembersRefused(members, underlying)? = failure?.failure else { Issue.record("\(String(describing: failure))"); return }
        #expect(members == ["SettingFromNextYear"] && (underlying as? AWSError)?.isInvalidParameter == true)
        #expect(try await setup.statuses() == [.started, .succeeded, .started, .failed])
    }
}
