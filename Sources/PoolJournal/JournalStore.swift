import AWSCore
import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where the journal lives, and how an entry becomes durable there.
public protocol JournalStore: Sendable {
    /// A human-readable location (`/path/journal.sqlite`, `s3://bucket/key`).
    var location: String { get }
    /// Appends an entry; durable in the store when this returns.
    func append(_ entry: JournalEntry) async throws -> JournalEntry
    /// Reads the journal as it is now in the store.
    func read<T: Sendable>(_ body: @Sendable (JournalDatabase) throws -> T) async throws -> T
}

/// A journal file on local disk (the default for the CLI).
public struct LocalJournalStore: JournalStore {
    /// The SQLite file's path.
    public let path: String

    /// A store for the file at `path`; nothing is created until the first append.
    public init(path: String) { self.path = path }

    /// The file path itself.
    public var location: String { path }

    /// Appends to the file, creating it (and its directory) on first use; committed when this returns.
    /// - Throws: `JournalError.cannotOpen` when the file cannot be opened or migrated.
    public func append(_ entry: JournalEntry) async throws -> JournalEntry {
        try open().append(entry)
    }

    /// Reads without creating anything: a journal that does not exist yet reads as empty (an
    /// attach's first look), and an existing one is opened read-only.
    public func read<T: Sendable>(_ body: @Sendable (JournalDatabase) throws -> T) async throws -> T {
        try refuseDirectory()
        guard exists else { return try body(.empty()) }
        return try body(JournalDatabase(readingAt: path))
    }

    /// A directory is not a journal: say so, rather than SQLite's "disk I/O error".
    func refuseDirectory() throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw JournalError.cannotOpen(path: path, reason: "it is a directory: give the journal file's path, e.g. \(path)/journal.sqlite")
        }
    }

    /// Whether the journal file is there (the CLI's audit commands refuse a mistyped path).
    public var exists: Bool { FileManager.default.fileExists(atPath: path) }

    /// Opens the journal for appending. It holds whole pool configurations (an SMS role's
    /// `ExternalId` among them), so a new file is made readable by its owner only (0600) and a new
    /// folder for it 0700. A path that cannot be a journal (a directory, a folder that cannot be
    /// made or written) is refused with the reason, not SQLite's "unable to open database file".
    func open() throws -> JournalDatabase {
        try refuseDirectory()
        let fileManager = FileManager.default
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        if !fileManager.fileExists(atPath: directory) {
            do {
                try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw JournalError.cannotOpen(path: path, reason: "its folder \(directory) cannot be made (\(Self.posixReason(of: directory)))")
            }
        }
        // Made here, not by SQLite (which would make it 0644), in one exclusive step: a second CLI
        // making the same new journal at the same moment finds it made (EEXIST) and opens it.
        // Its -wal and -shm files take its mode.
        #if canImport(Glibc)
            let descriptor = Glibc.open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        #else
            let descriptor = Darwin.open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0o600)
        #endif
        if descriptor >= 0 {
            _ = close(descriptor)
        } else if errno != EEXIST {
            throw JournalError.cannotOpen(path: path, reason: "no file can be made in \(directory) (\(String(cString: strerror(errno))))")
        }
        return try JournalDatabase(path: path)
    }

    /// Why a folder cannot be written to, in the system's words.
    static func posixReason(of directory: String) -> String {
        var parent = directory
        while !FileManager.default.fileExists(atPath: parent), parent != "/" { parent = URL(fileURLWithPath: parent).deletingLastPathComponent().path }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: parent, isDirectory: &isDirectory), !isDirectory.boolValue { return "\(parent) is a file, not a folder" }
        return FileManager.default.isWritableFile(atPath: parent) ? "the system refused" : "\(parent) is not writable"
    }
}

/// The object store a remote journal lives in: the two conditional operations it needs.
public protocol JournalObjectStorage: Sendable {
    /// The object and its ETag, or nil when there is none.
    func get(bucket: String, key: String) async throws -> (data: Data, eTag: String)?
    /// Writes only if the object is still at `ifMatch` (or, with nil, does not exist yet);
    /// throws ``JournalPreconditionFailed`` when someone else wrote first. Returns the new ETag.
    func put(bucket: String, key: String, data: Data, ifMatch: String?) async throws -> String
}

/// Someone else wrote the journal object since we read it.
public struct JournalPreconditionFailed: Error {
    /// The error a storage throws for a lost conditional write (S3's 412).
    public init() {}
}

/// The journal as an S3 object (`JOURNAL_URI=s3://bucket/key`): a Lambda's /tmp does not outlive
/// its instance, so each append downloads the current object, appends to it in a scratch file,
/// and uploads it with a conditional write. A lost race (412) re-reads and tries again, so no
/// entry is lost to a cold start or a concurrent writer.
public struct RemoteJournalStore: JournalStore {
    /// The bucket holding the journal object.
    public let bucket: String
    /// The journal object's key.
    public let key: String
    /// The object store the conditional reads and writes go to.
    public let storage: any JournalObjectStorage
    /// Where each append and read downloads the journal to (a fresh subdirectory each time, removed after).
    public let scratchDirectory: String
    /// How many conditional writes an append tries before giving up on concurrent writers.
    public let maxAttempts: Int

    /// A store for `s3://bucket/key` through `storage`.
    public init(bucket: String, key: String, storage: any JournalObjectStorage, scratchDirectory: String = NSTemporaryDirectory(), maxAttempts: Int = 5) {
        self.bucket = bucket
        self.key = key
        self.storage = storage
        self.scratchDirectory = scratchDirectory
        self.maxAttempts = maxAttempts
    }

    /// The object's `s3://bucket/key` URI.
    public var location: String { "s3://\(bucket)/\(key)" }

    /// Downloads the journal, appends the entry and uploads it only if the object is unchanged,
    /// starting over when another writer got there first. "Another writer" may be this append
    /// itself: a PUT whose answer was lost lands, and its retry then gets 412. So each fresh
    /// download is first searched for the entry's key, and an entry already there is not appended again.
    /// - Throws: `JournalError.concurrentWriters` when every one of ``maxAttempts`` conditional writes lost.
    public func append(_ entry: JournalEntry) async throws -> JournalEntry {
        for _ in 1...maxAttempts {
            let (database, eTag, scratch) = try await download()
            defer { try? FileManager.default.removeItem(atPath: scratch) }
            let (appended, inserted) = try database.appendOnce(entry)
            guard inserted else { return appended }
            try database.checkpoint()
            let data = try Data(contentsOf: URL(fileURLWithPath: database.path))
            do {
                _ = try await storage.put(bucket: bucket, key: key, data: data, ifMatch: eTag)
                return appended
            } catch is JournalPreconditionFailed {
                continue
            }
        }
        throw JournalError.concurrentWriters(attempts: maxAttempts)
    }

    /// Runs `body` on a fresh download of the journal (an empty one when the object does not exist yet).
    public func read<T: Sendable>(_ body: @Sendable (JournalDatabase) throws -> T) async throws -> T {
        let (database, _, scratch) = try await download()
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        return try body(database)
    }

    /// The current object in a fresh scratch directory (a new, empty journal when there is none).
    private func download() async throws -> (JournalDatabase, String?, String) {
        let scratch = (scratchDirectory as NSString).appendingPathComponent("journal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        let path = (scratch as NSString).appendingPathComponent("journal.sqlite")
        let current = try await storage.get(bucket: bucket, key: key)
        if let current { try current.data.write(to: URL(fileURLWithPath: path)) }
        return (try JournalDatabase(path: path), current?.eTag, scratch)
    }

    /// Parses `s3://bucket/key`.
    public static func parse(uri: String) throws -> (bucket: String, key: String) {
        guard uri.hasPrefix("s3://") else { throw JournalError.invalidURI(uri) }
        let rest = uri.dropFirst(5)
        guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex, rest.index(after: slash) != rest.endIndex else {
            throw JournalError.invalidURI(uri)
        }
        return (String(rest[..<slash]), String(rest[rest.index(after: slash)...]))
    }
}
