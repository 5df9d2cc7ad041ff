import AWSCore
import AWSServices
import Foundation
import GRDB
@testable import PoolJournal
import Testing
import TestSupport

@Suite(.tags(.unit))
struct JournalDatabaseTests {
    static func scratchPath() -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("journal-test-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory.appendingPathComponent("journal.sqlite").path
    }

    static func attach(_ status: JournalEntry.Status, attachment: String = "us-east-1_pool|sender", request: String = "req-1") -> JournalEntry {
        JournalEntry(
            attachmentId: attachment, requestId: request, action: .attach, status: status, poolId: "us-east-1_pool", region: "us-east-1",
            account: "123456789012", stackId: "arn:aws:cloudformation:us-east-1:123456789012:stack/s/1", logicalId: "Attach",
            senderArn: "arn:aws:lambda:us-east-1:123456789012:function:sender", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
            originalPool: ["Id": "us-east-1_pool", "LambdaConfig": ["PreSignUp": "arn:pre"], "Future": ["Nested": [1, 2.5, nil, true]]],
            originalLayers: ["arn:aws:lambda:us-east-1:123456789012:layer:other:3"])
    }

    @Test func entriesRoundTripWithTheirDocuments() throws {
        let database = try JournalDatabase(path: Self.scratchPath())
        let written = try database.append(Self.attach(.started))
        #expect(written.id == 1)
        let read = try database.entry(id: 1)
        #expect(read == written)
        #expect(read.originalPool?["Future"]["Nested"] == [1, 2.5, nil, true])
        #expect(read.originalLayers == ["arn:aws:lambda:us-east-1:123456789012:layer:other:3"])
        #expect(throws: JournalError.entryNotFound(99)) { try database.entry(id: 99) }
    }

    /// The Codable record stores the columns as journals written before it hold them (text
    /// enums, sorted-key documents, ISO 8601 milliseconds), and reads a row written by SQL alone:
    /// a journal a stack wrote with an earlier release restores with this one.
    @Test func storedColumnsAreTheJournalsOwnFormat() throws {
        let database = try JournalDatabase(path: Self.scratchPath())
        var entry = Self.attach(.started)
        entry.originalPool = ["Zeta": 1, "Alpha": ["b": "x/y", "a": true]]
        entry.createdAt = JournalTime.toMilliseconds(Date(timeIntervalSince1970: 1_764_704_860.038))
        let appended = try database.append(entry)
        let row = try #require(try database.queue.read { try Row.fetchOne($0, sql: "SELECT * FROM entries WHERE id = 1") })
        #expect(row["action"] as String? == "attach" && row["status"] as String? == "started" && row["region"] as String? == "us-east-1")
        #expect(row["original_pool"] as String? == #"{"Alpha":{"a":true,"b":"x/y"},"Zeta":1}"#)
        #expect(row["original_layers"] as String? == #"["arn:aws:lambda:us-east-1:123456789012:layer:other:3"]"#)
        #expect(row["created_at"] as String? == "2025-12-02T19:47:40.038Z")
        #expect(row["published_layer"] as Bool? == false && row["original_mfa_config"] as String? == nil)

        try database.queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO entries (attachment_id, request_id, action, status, pool_id, region, original_pool, original_layers,
                        published_layer, detail, created_at)
                    VALUES ('a', 'r', 'detach', 'succeeded', 'eu-west-1_p', 'eu-west-1', '{"Id":"eu-west-1_p"}', '[]', 1, 'restored',
                        '2026-01-02T03:04:05.678Z')
                    """)
        }
        let written = try database.entry(id: 2)
        #expect(written.action == .detach && written.status == .succeeded && written.region == "eu-west-1" && written.publishedLayer)
        #expect(written.originalPool == ["Id": "eu-west-1_p"] && written.originalLayers == [] && written.senderArn == nil)
        #expect(JournalTime.format(written.createdAt) == "2026-01-02T03:04:05.678Z")
        #expect(try database.entry(id: 1) == appended && appended.id == 1)

        // A row no release writes is an error naming its column and value, not a guess.
        try database.queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO entries (attachment_id, request_id, action, status, pool_id, region, created_at)
                    VALUES ('a', 'r', 'reattach', 'succeeded', 'eu-west-1_p', 'eu-west-1', '2026-01-02T03:04:05.678Z')
                    """)
        }
        let error = #expect(throws: (any Error).self) { try database.entry(id: 3) }
        let text = error.map { "\($0)" } ?? ""
        #expect(text.contains("action") && text.contains("reattach"), "\(text)")
    }

    @Test func timesAreUTCWithMillisecondsAndReadBack() {
        let time = JournalTime.format(Date(timeIntervalSince1970: 1_764_704_860.038))
        #expect(time == "2025-12-02T19:47:40.038Z")
        #expect(JournalTime.parse(time).map(JournalTime.format) == time)
        #expect(JournalTime.parse("yesterday") == nil)
    }

    @Test func rowsCanNeitherChangeNorBeDeleted() throws {
        let database = try JournalDatabase(path: Self.scratchPath())
        try database.append(Self.attach(.started))
        for statement in ["UPDATE entries SET status = 'succeeded'", "DELETE FROM entries"] {
            #expect(throws: DatabaseError.self) { try database.queue.write { try $0.execute(sql: statement) } }
        }
        #expect(try database.all().map(\.status) == [.started])
        let mode = try database.queue.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
        #expect(mode == "wal")
    }

    @Test func activeAttachFollowsTheStory() throws {
        let database = try JournalDatabase(path: Self.scratchPath())
        let started = try database.append(Self.attach(.started))
        #expect(try database.activeAttach(attachmentId: started.attachmentId) == nil)
        try database.append(started.next(.succeeded))
        #expect(try database.activeAttach(attachmentId: started.attachmentId)?.status == .succeeded)
        #expect(try database.activeAttach(poolId: "us-east-1_pool")?.attachmentId == started.attachmentId)
        var detach = started.next(.succeeded)
        detach.action = .detach
        detach.requestId = "req-2"
        try database.append(detach)
        #expect(try database.activeAttach(attachmentId: started.attachmentId) == nil)
        #expect(try database.entries(requestId: "req-1").count == 2)
        #expect(try database.entries(attachmentId: started.attachmentId).map(\.status) == [.started, .succeeded, .succeeded])
    }

    @Test func unusableLocationsAreClearErrors() throws {
        #expect(throws: JournalError.invalidURI("s3://bucket-only")) { try RemoteJournalStore.parse(uri: "s3://bucket-only") }
        #expect(throws: JournalError.invalidURI("https://example.com/j")) {
            try JournalStores.store(for: "https://example.com/j", s3: S3Client(configuration: Moto.configuration()))
        }
        let error = try #require(throws: JournalError.self) { try JournalDatabase(path: "/proc/no-such-dir/journal.sqlite") }
        #expect(error.description.contains("/proc/no-such-dir/journal.sqlite"))
    }
}

/// The S3-backed journal on moto: conditional writes, cold starts and concurrent writers.
@Suite(.needsMoto)
struct RemoteJournalTests {
    let s3: S3Client
    init() throws { s3 = try S3Client(configuration: Moto.configuration()) }

    func makeStore(bucket: String, storage: (any JournalObjectStorage)? = nil, maxAttempts: Int = 5) -> RemoteJournalStore {
        RemoteJournalStore(bucket: bucket, key: "journal/pools.sqlite", storage: storage ?? S3JournalStorage(s3: s3), maxAttempts: maxAttempts)
    }

    @Test func entriesOutliveTheInstanceThatWroteThem() async throws {
        let bucket = Moto.uniqueName("journal")
        try await s3.createBucket(name: bucket)
        let first = makeStore(bucket: bucket)
        let started = try await first.append(JournalDatabaseTests.attach(.started))
        _ = try await first.append(started.next(.succeeded))
        // A new instance (a cold start) sees both rows.
        let statuses = try await makeStore(bucket: bucket).read { try $0.all().map(\.status) }
        #expect(statuses == [.started, .succeeded])
        #expect(first.location == "s3://\(bucket)/journal/pools.sqlite")
    }

    @Test func concurrentWritersLoseNothing() async throws {
        let bucket = Moto.uniqueName("journal")
        try await s3.createBucket(name: bucket)
        let writers = 6
        // The object exists before the race: moto checks If-None-Match and writes the object in
        // two steps, so writers all creating it at once can both win there (S3 itself can't).
        _ = try await makeStore(bucket: bucket).append(JournalDatabaseTests.attach(.started, request: "req-seed"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<writers {
                group.addTask {
                    _ = try await makeStore(bucket: bucket, maxAttempts: 20).append(JournalDatabaseTests.attach(.started, request: "req-\(index)"))
                }
            }
            try await group.waitForAll()
        }
        let requests = try await makeStore(bucket: bucket).read { try Set($0.all().map(\.requestId)) }
        #expect(requests == Set((0..<writers).map { "req-\($0)" } + ["req-seed"]))
    }

    @Test func aLostRaceIsRetriedAgainstTheNewObject() async throws {
        let bucket = Moto.uniqueName("journal")
        try await s3.createBucket(name: bucket)
        _ = try await makeStore(bucket: bucket).append(JournalDatabaseTests.attach(.started, request: "first"))
        // Another writer gets in between our read and our write, once: moto answers 412.
        let racing = RacingStorage(inner: S3JournalStorage(s3: s3), races: 1) {
            try await makeStore(bucket: bucket).append(JournalDatabaseTests.attach(.started, request: "rival"))
        }
        _ = try await makeStore(bucket: bucket, storage: racing).append(JournalDatabaseTests.attach(.started, request: "ours"))
        #expect(racing.preconditionFailures == 1)
        let requests = try await makeStore(bucket: bucket).read { try $0.all().map(\.requestId) }
        #expect(requests == ["first", "rival", "ours"])
    }

    /// S3 answers a conditional write 409 ConditionalRequestConflict when another conditional
    /// operation on the key is under way (Amazon S3 User Guide, "conditional writes"): moto never
    /// does, so the 409 is injected. The append reads again and writes once.
    @Test func aConflictingConditionalWriteIsRetriedAndWritesOnce() async throws {
        let bucket = Moto.uniqueName("journal")
        try await s3.createBucket(name: bucket)
        _ = try await makeStore(bucket: bucket).append(JournalDatabaseTests.attach(.started, request: "first"))
        let conflict = FaultInjectingTransport(
            faults: [
                .status(
                    409,
                    body:
                        "<Error><Code>ConditionalRequestConflict</Code><Message>A conflicting operation occurred. If using PutObject you can retry the request.</Message></Error>"
                )
            ],
            matching: { $0.method == .PUT && $0.path.hasSuffix("/journal/pools.sqlite") })
        let conflicted = S3JournalStorage(s3: try S3Client(configuration: Moto.configuration(transport: conflict, retry: .none)))
        _ = try await makeStore(bucket: bucket, storage: conflicted).append(JournalDatabaseTests.attach(.started, request: "ours"))
        #expect(conflict.attempts == 2, "one 409, then the write")
        let requests = try await makeStore(bucket: bucket).read { try $0.all().map(\.requestId) }
        #expect(requests == ["first", "ours"])
    }

    @Test func endlessRacesEndInAClearError() async throws {
        let bucket = Moto.uniqueName("journal")
        try await s3.createBucket(name: bucket)
        let racing = RacingStorage(inner: S3JournalStorage(s3: s3), races: .max) {
            try await makeStore(bucket: bucket, maxAttempts: 10).append(JournalDatabaseTests.attach(.started, request: "rival"))
        }
        await #expect(throws: JournalError.concurrentWriters(attempts: 2)) {
            _ = try await makeStore(bucket: bucket, storage: racing, maxAttempts: 2).append(JournalDatabaseTests.attach(.started, request: "ours"))
        }
    }
}

/// Real S3 storage that lets a rival writer append just before each of our writes, so that moto
/// itself answers 412 to ours.
final class RacingStorage: JournalObjectStorage, @unchecked Sendable {
    let inner: any JournalObjectStorage
    let rival: @Sendable () async throws -> Void
    private let lock = NSLock()
    private var racesLeft: Int
    private var failures = 0

    init(inner: any JournalObjectStorage, races: Int, rival: @escaping @Sendable () async throws -> Void) {
        self.inner = inner
        self.rival = rival
        racesLeft = races
    }

    var preconditionFailures: Int { lock.withLock { failures } }

    func get(bucket: String, key: String) async throws -> (data: Data, eTag: String)? {
        try await inner.get(bucket: bucket, key: key)
    }

    func put(bucket: String, key: String, data: Data, ifMatch: String?) async throws -> String {
        let race = lock.withLock { () -> Bool in
            guard racesLeft > 0 else { return false }
            racesLeft -= 1
            return true
        }
        if race { try await rival() }
        do {
            return try await inner.put(bucket: bucket, key: key, data: data, ifMatch: ifMatch)
        } catch let error as JournalPreconditionFailed {
            lock.withLock { failures += 1 }
            throw error
        }
    }
}
