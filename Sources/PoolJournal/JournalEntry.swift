import AWSCore
import Foundation
import GRDB

/// One row of the journal. Rows are only ever appended: a change of state is a new row.
///
/// An attach is journaled `started` (with the pool's full original document and the function's
/// original layers) before anything changes, then `succeeded` or `failed`; a detach likewise.
public struct JournalEntry: Codable, Sendable, Equatable {
    /// The change a row belongs to: putting the redirect on a pool, or taking it off.
    public enum Action: String, Codable, Sendable, CaseIterable {
        case attach
        case detach
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
        layerVersionArn: String? = nil, publishedLayer: Bool = false, detail: String? = nil, createdAt: Date = Date()
    ) {
        self.id = id
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
        self.createdAt = Date(timeIntervalSince1970: (createdAt.timeIntervalSince1970 * 1000).rounded() / 1000)
    }

    /// The same entry with another status, a new time and no id: the next row of its story.
    public func next(_ status: Status, detail: String? = nil, appliedRequest: JSONValue? = nil) -> JournalEntry {
        var entry = self
        entry.id = nil
        entry.status = status
        entry.detail = detail ?? self.detail
        entry.appliedRequest = appliedRequest ?? self.appliedRequest
        entry.createdAt = Date()
        return entry
    }
}

/// The row mapping is written out rather than derived from Codable, as GRDB's Codable records
/// would: documents are parsed by `JSONValue`'s own parser (GRDB's JSON columns go through
/// `JSONDecoder`, and `JSONValue`'s Decodable guesses each value's kind, paying a thrown error per
/// wrong guess), stored as JSON text with sorted keys (equal documents are
/// equal bytes), and times as ISO 8601 with milliseconds. The `id` is the row id, nil until inserted.
extension JournalEntry: FetchableRecord, MutablePersistableRecord {
    /// The SQLite table the rows live in.
    public static let databaseTableName = "entries"

    enum StoredColumns {
        static let id = Column("id")
        static let attachmentId = Column("attachment_id")
        static let requestId = Column("request_id")
        static let poolId = Column("pool_id")
    }

    /// Reads a stored row, parsing its JSON documents.
    /// - Throws: `JournalError.cannotOpen` for an unknown action or status, or the JSON parser's error.
    public init(row: Row) throws {
        func document(_ column: String) throws -> JSONValue? {
            guard let text: String = row[column] else { return nil }
            return try JSONValue(data: Data(text.utf8))
        }
        guard let action = Action(rawValue: row["action"]), let status = Status(rawValue: row["status"]) else {
            throw JournalError.cannotOpen(path: "entries", reason: "row \(row["id"] as Int64? ?? -1) has an unknown action or status")
        }
        let createdAt: String = row["created_at"]
        self.init(
            id: row["id"], attachmentId: row["attachment_id"], requestId: row["request_id"], action: action, status: status,
            poolId: row["pool_id"], region: Region(rawValue: row["region"]), account: row["account"], stackId: row["stack_id"], logicalId: row["logical_id"],
            senderArn: row["sender_arn"], kmsKeyArn: row["kms_key_arn"], originalPool: try document("original_pool"),
            originalMfaConfig: try document("original_mfa_config"),
            originalLayers: try document("original_layers")?.arrayValue?.compactMap(\.stringValue),
            appliedRequest: try document("applied_request"), layerVersionArn: row["layer_version_arn"],
            publishedLayer: row["published_layer"], detail: row["detail"], createdAt: JournalTime.parse(createdAt) ?? Date(timeIntervalSince1970: 0))
    }

    /// Writes the entry's columns: documents as sorted-key JSON text, the time as ISO 8601 with milliseconds.
    public func encode(to container: inout PersistenceContainer) throws {
        container["id"] = id
        container["attachment_id"] = attachmentId
        container["request_id"] = requestId
        container["action"] = action.rawValue
        container["status"] = status.rawValue
        container["pool_id"] = poolId
        container["region"] = region.rawValue
        container["account"] = account
        container["stack_id"] = stackId
        container["logical_id"] = logicalId
        container["sender_arn"] = senderArn
        container["kms_key_arn"] = kmsKeyArn
        container["original_pool"] = originalPool?.jsonString
        container["original_mfa_config"] = originalMfaConfig?.jsonString
        container["original_layers"] = originalLayers.map { JSONValue.array($0.map { .string($0) }).jsonString }
        container["applied_request"] = appliedRequest?.jsonString
        container["layer_version_arn"] = layerVersionArn
        container["published_layer"] = publishedLayer
        container["detail"] = detail
        container["created_at"] = JournalTime.format(createdAt)
    }

    /// Takes the row id SQLite assigned as the entry's ``id``.
    public mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }
}

/// Journal timestamps: UTC ISO 8601 with milliseconds, sortable as text.
public enum JournalTime {
    /// The time to the nearest millisecond (the style cuts, and a parsed .038 is a hair under it).
    public static func format(_ date: Date) -> String { date.addingTimeInterval(0.0005).formatted(style) }

    /// A stored timestamp as a date; nil when it is not ISO 8601 with fractional seconds.
    public static func parse(_ text: String) -> Date? { try? Date(text, strategy: style) }

    // A Sendable value style, not ISO8601DateFormatter: that one builds an ICU calendar each time
    // it is made, and every row read parses its time (1,000 attach sequences spent most of their
    // 99 s there).
    private static let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}
