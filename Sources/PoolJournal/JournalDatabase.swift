import AWSCore
import Foundation
import GRDB

/// Why the journal could not be used. Each case says what to do.
public enum JournalError: Error, Equatable, CustomStringConvertible {
    case cannotOpen(path: String, reason: String)
    case invalidURI(String)
    case entryNotFound(Int64)
    case concurrentWriters(attempts: Int)
    case noJournal(path: String)
    case noBucket(bucket: String)

    /// What went wrong and what to do about it, naming the path, URI or entry id.
    public var description: String {
        switch self {
        case let .cannotOpen(path, reason): "cannot open the journal at \(path): \(reason)"
        case let .invalidURI(uri): "'\(uri)' is not a journal location: give a file path or s3://bucket/key"
        case let .entryNotFound(id): "the journal has no entry \(id): `smsredirect journal list` shows the ids"
        case let .concurrentWriters(attempts):
            "the journal object kept changing under us (\(attempts) conditional writes lost): another writer is busy; try again"
        case let .noJournal(path): "there is no journal at \(path): check --journal (or SMSREDIRECT_JOURNAL); the first `smsredirect attach` creates it"
        case let .noBucket(bucket):
            "the journal's bucket \(bucket) does not exist: check the s3:// location (--journal, SMSREDIRECT_JOURNAL or the stack's JOURNAL_URI); the bucket must be made before the first attach"
        }
    }
}

/// The SQLite journal file: schema, migrations, append and queries.
///
/// WAL mode, and triggers that make `entries` append-only: an UPDATE or DELETE aborts.
public struct JournalDatabase: Sendable {
    /// The SQLite file's path (`:memory:` for ``empty()``).
    public let path: String
    let queue: DatabaseQueue

    /// Opens the journal at `path` for writing, creating it and migrating its schema as needed.
    /// - Throws: `JournalError.cannotOpen` with SQLite's reason.
    public init(path: String) throws {
        self.path = path
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA journal_mode = WAL") }
            try Self.migrator.migrate(queue)
        } catch let error as DatabaseError {
            throw JournalError.cannotOpen(path: path, reason: error.message ?? "\(error)")
        }
    }

    /// Opens an existing journal for reading only: nothing is created or migrated, so a read-only
    /// file or directory can be audited. A write-ahead-log journal on a read-only directory cannot
    /// get its shared-memory file there, so it is read from a private snapshot instead.
    public init(readingAt path: String) throws {
        self.path = path
        do {
            queue = try Self.openReadOnly(path)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CANTOPEN || error.resultCode == .SQLITE_READONLY {
            do {
                queue = try Self.openReadOnly(try Self.snapshot(of: path))
            } catch let error as DatabaseError {
                throw JournalError.cannotOpen(path: path, reason: error.message ?? "\(error)")
            }
        } catch let error as DatabaseError {
            throw JournalError.cannotOpen(path: path, reason: error.message ?? "\(error)")
        }
    }

    /// An empty journal in memory: what reading a journal that does not exist yet sees.
    public static func empty() throws -> JournalDatabase { try JournalDatabase(inMemory: ()) }

    private init(inMemory: Void) throws {
        path = ":memory:"
        queue = try DatabaseQueue()
        try Self.migrator.migrate(queue)
    }

    private static func openReadOnly(_ path: String) throws -> DatabaseQueue {
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(5)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        // SQLite opens lazily: the first read is where a missing shared-memory file shows.
        guard try queue.read({ try $0.tableExists("entries") }) else {
            throw DatabaseError(resultCode: .SQLITE_NOTADB, message: "the file is not a journal (it has no entries table)")
        }
        return queue
    }

    /// Copies the journal file and its write-ahead log to a private directory.
    private static func snapshot(of path: String) throws -> String {
        let directory = (NSTemporaryDirectory() as NSString).appendingPathComponent("journal-snapshot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let copy = (directory as NSString).appendingPathComponent("journal.sqlite")
        try FileManager.default.copyItem(atPath: path, toPath: copy)
        if FileManager.default.fileExists(atPath: path + "-wal") { try FileManager.default.copyItem(atPath: path + "-wal", toPath: copy + "-wal") }
        return copy
    }

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: entries") { db in
            try db.create(table: "entries") { table in
                table.autoIncrementedPrimaryKey("id")
                table.column("attachment_id", .text).notNull().indexed()
                table.column("request_id", .text).notNull().indexed()
                table.column("action", .text).notNull()
                table.column("status", .text).notNull()
                table.column("pool_id", .text).notNull().indexed()
                table.column("region", .text).notNull()
                table.column("account", .text)
                table.column("stack_id", .text)
                table.column("logical_id", .text)
                table.column("sender_arn", .text)
                table.column("kms_key_arn", .text)
                table.column("original_pool", .text)
                table.column("original_layers", .text)
                table.column("applied_request", .text)
                table.column("layer_version_arn", .text)
                table.column("published_layer", .boolean).notNull().defaults(to: false)
                table.column("detail", .text)
                table.column("created_at", .text).notNull()
            }
            try db.execute(
                sql: """
                    CREATE TRIGGER entries_are_append_only_update BEFORE UPDATE ON entries
                    BEGIN SELECT RAISE(ABORT, 'journal entries are append-only'); END;
                    CREATE TRIGGER entries_are_append_only_delete BEFORE DELETE ON entries
                    BEGIN SELECT RAISE(ABORT, 'journal entries are append-only'); END;
                    """)
        }
        migrator.registerMigration("v2: the MFA factors beside the original pool") { db in
            try db.alter(table: "entries") { table in
                table.add(column: "original_mfa_config", .text)
            }
        }
        migrator.registerMigration("v3: each entry's own key, so a retried append finds its row") { db in
            try db.alter(table: "entries") { table in
                table.add(column: "entry_key", .text)
            }
            // Unique where present: rows from before v3 have none.
            try db.create(index: "entries_entry_key", on: "entries", columns: ["entry_key"], unique: true)
        }
        return migrator
    }

    /// Appends a row and returns it with its id. Committed (and so durable) when this returns.
    /// An entry whose key is already in the journal (an append tried again after its answer was
    /// lost) is not written twice: the row already there is returned.
    @discardableResult
    public func append(_ entry: JournalEntry) throws -> JournalEntry {
        try appendOnce(entry).entry
    }

    /// Appends a row unless one with the entry's key is there already; says which it did.
    public func appendOnce(_ entry: JournalEntry) throws -> (entry: JournalEntry, inserted: Bool) {
        try queue.write { db in
            if let key = entry.entryKey, let existing = try JournalEntry.filter(JournalEntry.Columns.entryKey == key).fetchOne(db) {
                return (existing, false)
            }
            var inserted = entry
            try inserted.insert(db)
            return (inserted, true)
        }
    }

    /// Every row, oldest first.
    public func all() throws -> [JournalEntry] {
        try queue.read { db in try JournalEntry.order(JournalEntry.Columns.id).fetchAll(db) }
    }

    /// The row with this id.
    /// - Throws: `JournalError.entryNotFound` when there is none.
    public func entry(id: Int64) throws -> JournalEntry {
        guard let found = try queue.read({ db in try JournalEntry.fetchOne(db, key: id) }) else { throw JournalError.entryNotFound(id) }
        return found
    }

    /// The rows of one delivery, oldest first.
    public func entries(requestId: String) throws -> [JournalEntry] {
        try queue.read { db in
            try JournalEntry.filter(JournalEntry.Columns.requestId == requestId).order(JournalEntry.Columns.id).fetchAll(db)
        }
    }

    /// The rows of one attachment, oldest first.
    public func entries(attachmentId: String) throws -> [JournalEntry] {
        try queue.read { db in
            try JournalEntry.filter(JournalEntry.Columns.attachmentId == attachmentId).order(JournalEntry.Columns.id).fetchAll(db)
        }
    }

    /// The attach in force for an attachment: the last attach that succeeded, unless a detach
    /// succeeded after it.
    public func activeAttach(attachmentId: String) throws -> JournalEntry? {
        var active: JournalEntry?
        for entry in try entries(attachmentId: attachmentId) where entry.status == .succeeded && entry.action != .notice {
            active = entry.action == .attach ? entry : nil
        }
        return active
    }

    /// Whether a detach of the attachment has journaled its start and no end: the stack's Delete
    /// (or a rollback's) is changing the pool right now, and nothing may attach it again meanwhile.
    public func detachUnderway(attachmentId: String) throws -> Bool {
        guard let last = try entries(attachmentId: attachmentId).last(where: { $0.action != .notice }) else { return false }
        return last.action == .detach && last.status == .started
    }

    /// The notices about an attachment, oldest first (both rows of each: `started`, then `succeeded`).
    public func notices(attachmentId: String) throws -> [JournalEntry] {
        try entries(attachmentId: attachmentId).filter { $0.action == .notice }
    }

    /// An attach of `attachmentId` that journaled its start and no end (the helper timed out or
    /// was stopped mid-change), and that no detach has undone yet: a detach that failed undoing it
    /// leaves it interrupted, so the next Delete tries again. Its rows hold what to put back.
    public func interruptedAttach(attachmentId: String) throws -> JournalEntry? {
        let rows = try entries(attachmentId: attachmentId)
        guard let index = rows.lastIndex(where: { $0.action == .attach }), rows[index].status == .started else { return nil }
        let undone = rows[(index + 1)...].contains { $0.action == .detach && ($0.status == .succeeded || $0.status == .skipped) }
        return undone ? nil : rows[index]
    }

    /// The attaches in force on a pool, oldest first (more than one only mid-Update).
    public func activeAttaches(poolId: String) throws -> [JournalEntry] {
        let ids = try queue.read { db in
            try String.fetchAll(db, sql: "SELECT attachment_id FROM entries WHERE pool_id = ? GROUP BY attachment_id ORDER BY MAX(id)", arguments: [poolId])
        }
        return try ids.compactMap { try activeAttach(attachmentId: $0) }.sorted { ($0.id ?? 0) < ($1.id ?? 0) }
    }

    /// The newest attach in force on a pool (for `detach --user-pool-id`).
    public func activeAttach(poolId: String) throws -> JournalEntry? {
        try activeAttaches(poolId: poolId).last
    }

    /// Folds the write-ahead log into the main file, so that the file alone is the whole journal
    /// (before it is uploaded).
    public func checkpoint() throws {
        try queue.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
    }
}
