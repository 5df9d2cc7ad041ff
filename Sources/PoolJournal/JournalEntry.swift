import AWSCore
import Foundation
import GRDB

/// One row of the journal. Rows are only ever appended: a change of state is a new row.
///
/// An attach is journaled `started` (with the pool's full original document and the function's
/// original layers) before anything changes, then `succeeded` or `failed`; a detach likewise.
public struct JournalEntry: Codable, Sendable, Equatable {
    /// The change a row belongs to: putting the redirect on a pool, or taking it off; or a
    /// notice that the redirect was found removed (it changes nothing itself).
    public enum Action: String, Codable, Sendable, CaseIterable {
        case attach
        case detach
        /// The helper found the pool no longer pointing at the sender and said so on the topic:
        /// `started` before the publish, `succeeded` after; `originalPool` is the pool as found,
        /// `detail` the notice.
        case notice
    }

    /// Where the change stood when the row was written; the latest row of a change is its outcome.
    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Recorded before the first change: what is about to be changed, and from what.
        case started
        case succeeded
        case failed
        /// Nothing was done, on purpose (e.g. a Delete whose Create never succeeded).
        case skipped
    }

    /// The row id, assigned by the journal on append; nil for an entry not yet appended.
    public var id: Int64?
    /// The entry's own id, made when the entry is: an append whose answer was lost and that is
    /// tried again finds its row by it instead of writing a second one. Nil on rows written before
    /// the journal kept it.
    public var entryKey: String?
    /// What the change is known by: the custom resource's PhysicalResourceId (pool and function).
    public var attachmentId: String
    /// CloudFormation's RequestId, or a fresh id for a CLI call: a repeated delivery finds its rows by it.
    public var requestId: String
    /// Whether the row is part of an attach or a detach.
    public var action: Action
    /// How far the change had got when this row was written.
    public var status: Status
    /// The Cognito user pool being changed.
    public var poolId: String
    /// The AWS Region of the pool.
    public var region: Region
    /// The AWS account of the change, as CloudFormation's event names it; nil from the CLI.
    public var account: String?
    /// The CloudFormation stack that asked for the change; nil from the CLI.
    public var stackId: String?
    /// The custom resource's logical id in that stack; nil from the CLI.
    public var logicalId: String?
    /// The ARN of the sender function set as the pool's CustomSMSSender; nil when a row does not name one.
    public var senderArn: String?
    /// The KMS key set as the pool's `LambdaConfig.KMSKeyID`; nil when a row does not name one.
    public var kmsKeyArn: String?
    /// The DescribeUserPool document before the change.
    public var originalPool: JSONValue?
    /// GetUserPoolMfaConfig's answer before the change: the MFA factors (SMS, software token,
    /// email, WebAuthn) an UpdateUserPool must leave as they were.
    public var originalMfaConfig: JSONValue?
    /// The sender's layer ARNs before the change.
    public var originalLayers: [String]?
    /// The UpdateUserPool request sent (or about to be sent).
    public var appliedRequest: JSONValue?
    /// The layer version attached to the sender.
    public var layerVersionArn: String?
    /// Whether we published that layer version (and so delete it on detach).
    public var publishedLayer: Bool
    /// A failure's reason, or what was left alone because someone else changed it.
    public var detail: String?
    /// When the row was written, to the millisecond (the precision the journal stores).
    public var createdAt: Date

    /// An entry; `createdAt` is rounded to the millisecond so it reads back equal from the journal.
    public init(
        id: Int64? = nil, attachmentId: String, requestId: String, action: Action, status: Status, poolId: String, region: Region,
        account: String? = nil, stackId: String? = nil, logicalId: String? = nil, senderArn: String? = nil, kmsKeyArn: String? = nil,
        originalPool: JSONValue? = nil, originalMfaConfig: JSONValue? = nil, originalLayers: [String]? = nil, appliedRequest: JSONValue? = nil,
        layerVersionArn: String? = nil, publishedLayer: Bool = false, detail: String? = nil, createdAt: Date = Date(),
        entryKey: String? = JournalEntry.newKey()
    ) {
        self.id = id
        self.entryKey = entryKey
        self.attachmentId = attachmentId
        self.requestId = requestId
        self.action = action
        self.status = status
        self.poolId = poolId
        self.region = region
        self.account = account
        self.stackId = stackId
        self.logicalId = logicalId
        self.senderArn = senderArn
        self.kmsKeyArn = kmsKeyArn
        self.originalPool = originalPool
        self.originalMfaConfig = originalMfaConfig
        self.originalLayers = originalLayers
        self.appliedRequest = appliedRequest
        self.layerVersionArn = layerVersionArn
        self.publishedLayer = publishedLayer
        self.detail = detail
        // Stored with millisecond precision: keep the value what a read gives back.
        self.createdAt = JournalTime.toMilliseconds(createdAt)
    }

    /// A key no other entry has: a lowercase UUID.
    public static func newKey() -> String { UUID().uuidString.lowercased() }

    /// The same entry with another status, a new time, no row id and a key of its own: the next row of its story.
    public func next(_ status: Status, detail: String? = nil, appliedRequest: JSONValue? = nil) -> JournalEntry {
        var entry = self
        entry.id = nil
        entry.entryKey = Self.newKey()
        entry.status = status
        entry.detail = detail ?? self.detail
        entry.appliedRequest = appliedRequest ?? self.appliedRequest
        entry.createdAt = Date()
        return entry
    }
}

/// A GRDB record by Codable, as GRDB's "Recommended Practices" write one. The coding keys stay the
/// property names, because `journal show --json` prints an entry's Codable form and keeps its keys;
/// GRDB's snake_case strategies map them to the columns, and ``Columns`` names those columns.
/// What GRDB would otherwise do its own way is said per column type: documents (`JSONValue`) are
/// stored by their own conformance below (sorted keys, so equal documents are equal bytes, and
/// parsed by the project's JSON parser), the layer list as JSON with sorted keys, times as ISO 8601
/// with milliseconds, and the row id is the `id`, nil until inserted.
extension JournalEntry: FetchableRecord, MutablePersistableRecord {
    /// The SQLite table the rows live in.
    public static let databaseTableName = "entries"

    /// `attachmentId` is stored as `attachment_id`, and so on.
    public static let databaseColumnEncodingStrategy = DatabaseColumnEncodingStrategy.convertToSnakeCase

    /// `attachment_id` is read as `attachmentId`, and so on.
    public static let databaseColumnDecodingStrategy = DatabaseColumnDecodingStrategy.convertFromSnakeCase

    /// The columns queries filter and order by, named as the strategies name them.
    public enum Columns {
        /// The row id, in append order.
        public static let id = Column("id")
        /// ``JournalEntry/attachmentId``.
        public static let attachmentId = Column("attachment_id")
        /// ``JournalEntry/requestId``.
        public static let requestId = Column("request_id")
        /// ``JournalEntry/poolId``.
        public static let poolId = Column("pool_id")
        /// ``JournalEntry/entryKey``.
        public static let entryKey = Column("entry_key")
    }

    /// Times are stored as sortable text, ISO 8601 with milliseconds.
    public static func databaseDateEncodingStrategy(for column: String) -> DatabaseDateEncodingStrategy {
        .custom { JournalTime.format($0) }
    }

    /// Reads the stored text back to the millisecond it was written at.
    public static func databaseDateDecodingStrategy(for column: String) -> DatabaseDateDecodingStrategy {
        .custom { value in String.fromDatabaseValue(value).flatMap(JournalTime.parse).map(JournalTime.toMilliseconds) }
    }

    /// The layer list as JSON: sorted keys, as GRDB's default, and ARNs written as they are.
    public static func databaseJSONEncoder(for column: String) -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Takes the row id SQLite assigned as the entry's ``id``.
    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

extension JournalEntry.Action: DatabaseValueConvertible {}
extension JournalEntry.Status: DatabaseValueConvertible {}
extension Region: DatabaseValueConvertible {}

/// A document column: JSON text with sorted keys, read by `JSONValue`'s own parser (through
/// `JSONDecoder`, `JSONValue`'s Decodable would guess each value's kind, paying a thrown error per
/// wrong guess).
extension JSONValue: DatabaseValueConvertible {
    /// The document as sorted-key JSON text.
    public var databaseValue: DatabaseValue { jsonString.databaseValue }

    /// The document stored as JSON text; nil for anything else, which GRDB reports naming the column.
    public static func fromDatabaseValue(_ value: DatabaseValue) -> JSONValue? {
        guard let text = String.fromDatabaseValue(value) else { return nil }
        return try? JSONValue(data: Data(text.utf8))
    }
}

/// Journal timestamps: UTC ISO 8601 with milliseconds, sortable as text.
public enum JournalTime {
    /// The time to the nearest millisecond (the style cuts, and a parsed .038 is a hair under it).
    public static func format(_ date: Date) -> String { date.addingTimeInterval(0.0005).formatted(style) }

    /// The date rounded to the millisecond, the precision the journal keeps.
    public static func toMilliseconds(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    /// A stored timestamp as a date; nil when it is not ISO 8601 with fractional seconds.
    public static func parse(_ text: String) -> Date? { try? Date(text, strategy: style) }

    // A Sendable value style, not ISO8601DateFormatter: that one builds an ICU calendar each time
    // it is made, and every row read parses its time (1,000 attach sequences spent most of their
    // 99 s there).
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
