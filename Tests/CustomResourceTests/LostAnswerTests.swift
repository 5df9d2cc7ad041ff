import AWSCore
import AWSServices
import CustomResource
import Foundation
import Logging
import PoolJournal
import Testing
import TestSupport

/// Writes that land while their answer is lost: the connection closes after moto carried the
/// request out, and the client retries, as every AWS SDK does. No emulator drops answers, so
/// `FaultInjectingTransport.Fault.answerLost` forwards each request to moto and then throws. Each
/// test checks that the product converges to what a fault-free run leaves: the same journal rows,
/// the pool and the sender's layers right, and the change reported as succeeded.
@Suite(.needsMoto)
struct LostAnswerTests {
    static func entry(pool: String) -> JournalEntry {
        JournalEntry(attachmentId: "\(pool)|sender|lost", requestId: UUID().uuidString, action: .attach, status: .started, poolId: pool, region: "us-east-1")
    }

    /// The journal's conditional PUT, both kinds: the first append creates the object
    /// (`If-None-Match: *`), the next replaces it (`If-Match`). Each lands, its answer is lost, and
    /// its retry gets 412 from its own write: the append finds its entry's key in the journal it
    /// reads again, and does not write the row a second time.
    @Test func aJournalAppendWhoseAnswerWasLostIsWrittenOnce() async throws {
        let bucket = try await MotoResources.makeBucket("journal")
        let lost = FaultInjectingTransport(
            faults: FaultInjectingTransport.everyFirstAnswerLost(), matching: FaultInjectingTransport.path("PUT", containing: "/journal.sqlite"))
        let store = RemoteJournalStore(
            bucket: bucket, key: "journal.sqlite", storage: S3JournalStorage(s3: try S3Client(configuration: Moto.configuration(transport: lost))))
        let started = try await store.append(Self.entry(pool: "us-east-1_Lost"))
        let succeeded = try await store.append(started.next(.succeeded))
        #expect(lost.attempts == 4, "each PUT landed once and was retried once")
        let rows = try await store.read { try $0.all() }
        #expect(rows.map(\.status) == [.started, .succeeded])
        #expect(rows.map(\.entryKey) == [started.entryKey, succeeded.entryKey])
        #expect(Set(rows.compactMap(\.entryKey)).count == 2)
    }

    /// An old journal's rows have no key; a new row beside them still appends once.
    @Test(.tags(.unit)) func aRowWithoutAKeyIsNeverTakenForTheRetriedOne() throws {
        let database = try JournalDatabase.empty()
        var old = Self.entry(pool: "us-east-1_Old")
        old.entryKey = nil
        try database.append(old)
        try database.append(old)
        let new = Self.entry(pool: "us-east-1_Old")
        #expect(try database.appendOnce(new).inserted)
        #expect(try database.appendOnce(new).inserted == false)
        #expect(try database.all().count == 3)
    }

    /// The CloudFormation response PUT lands and its answer is lost: the retry PUTs the same bytes
    /// to the same presigned URL, which S3 takes as an overwrite, and the delivery succeeds
    /// instead of being reported failed (which would leave the stack waiting for nothing).
    @Test func aResponsePUTWhoseAnswerWasLostIsDeliveredWithTheSameBody() async throws {
        let harness = try await HelperHarness.make()
        let create = try await harness.event(.create, properties: [:])
        let answer = CustomResourceResponse(status: .success, physicalResourceId: "us-east-1_pool|sender|digest", event: create, data: ["ReplacedSender": ""])
        let lost = FaultInjectingTransport(faults: [.answerLost])
        let quick = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(5), maxDelay: .milliseconds(20))
        try await HTTPResponseSender(transport: lost, retry: quick).send(answer, to: create.responseURL)
        #expect(lost.attempts == 2, "landed, then retried")
        #expect(try await harness.inbox.rawResponse(for: create.requestId) == answer.body())
    }

    /// Which write of an attach and its detach loses its first answer.
    enum LostWrite: String, CaseIterable, CustomTestStringConvertible {
        case journalPut, updateUserPool, updateFunctionConfiguration
        var testDescription: String { rawValue }

        var matcher: @Sendable (HTTPRequest) -> Bool {
            switch self {
            case .journalPut: FaultInjectingTransport.path("PUT", containing: "/journal/")
            case .updateUserPool: FaultInjectingTransport.operation("UpdateUserPool")
            case .updateFunctionConfiguration: FaultInjectingTransport.path("PUT", containing: "/configuration")
            }
        }
    }

    /// An attach and its detach, every first answer of one kind of write lost: both succeed, the
    /// journal holds the four rows of a fault-free run, the layer goes on once and comes off, and
    /// the pool ends as it began.
    @Test(arguments: LostWrite.allCases)
    func anAttachAndItsDetachConvergeWhenAWritesAnswerIsLost(_ write: LostWrite) async throws {
        let harness = try await HelperHarness.make()
        let target = try await harness.makeTarget(fixture: "12-other-triggers")
        let lost = FaultInjectingTransport(faults: FaultInjectingTransport.everyFirstAnswerLost(), matching: write.matcher)
        let faulty = try Moto.configuration(transport: lost)
        let (bucket, key) = try RemoteJournalStore.parse(uri: harness.journalURI)
        let attacher = Attacher(
            cognito: try CognitoIdentityProviderClient(configuration: faulty), lambda: try LambdaClient(configuration: faulty),
            journal: RemoteJournalStore(bucket: bucket, key: key, storage: S3JournalStorage(s3: try S3Client(configuration: faulty))),
            region: "us-east-1", logger: Logger(label: "test"))
        let spec = AttachmentSpec(
            userPoolId: target.poolId, senderFunctionArn: target.function.functionArn, kmsKeyArn: target.keyArn, layer: .existing(arn: target.layerArn))

        let attached = try await attacher.attach(spec, context: ChangeContext(requestId: "attach-1"))
        #expect(lost.attempts >= 2, "the fault reached a \(write) write")
        let pool = try await harness.cognito.describeUserPool(id: target.poolId)
        #expect(pool["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue == target.function.functionArn)
        #expect(pool["LambdaConfig"]["KMSKeyID"]?.stringValue == target.keyArn)
        #expect(
            try await harness.lambda.getFunctionConfiguration(functionName: target.function.functionArn).layers == target.function.layers + [target.layerArn])
        var rows = try await harness.journalEntries()
        #expect(rows.map { "\($0.action) \($0.status)" } == ["attach started", "attach succeeded"])

        _ = try await attacher.detach(attachmentId: attached.attachmentId, context: ChangeContext(requestId: "detach-1"))
        #expect(PoolFixtures.comparable(try await harness.cognito.describeUserPool(id: target.poolId)) == PoolFixtures.comparable(target.original))
        #expect(try await harness.lambda.getFunctionConfiguration(functionName: target.function.functionArn).layers == target.function.layers)
        rows = try await harness.journalEntries()
        #expect(rows.map { "\($0.action) \($0.status)" } == ["attach started", "attach succeeded", "detach started", "detach succeeded"])
        #expect(Set(rows.compactMap(\.entryKey)).count == 4)
    }
}
