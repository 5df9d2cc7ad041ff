import Foundation

/// `journal list`'s table.
public enum JournalTable {
    /// Columns as wide as their widest value, so a long pool id never pushes DETAIL out of line.
    public static func render(_ entries: [JournalEntry]) -> String {
        let rows = entries.map { entry in
            [
                String(entry.id ?? 0), JournalTime.format(entry.createdAt), entry.action.rawValue, entry.status.rawValue, entry.poolId,
                String((entry.detail.flatMap { $0.isEmpty ? nil : $0 } ?? entry.attachmentId).replacingOccurrences(of: "\n", with: " ").prefix(100)),
            ]
        }
        let header = ["ID", "TIME", "ACTION", "STATUS", "POOL", "DETAIL"]
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { column, value in column == row.count - 1 ? value : value.padding(widths[column]) }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}

/// A journal entry without its documents, for `journal list --json`.
public struct JournalEntrySummary: Encodable, Sendable {
    /// The entry's row id.
    public var id: Int64?
    /// When the row was written: UTC ISO 8601 with milliseconds.
    public var time: String
    /// `attach` or `detach`.
    public var action: String
    /// `started`, `succeeded`, `failed` or `skipped`.
    public var status: String
    /// The user pool the change is on.
    public var poolId: String
    /// The attachment (PhysicalResourceId) the row belongs to.
    public var attachmentId: String
    /// The CloudFormation RequestId or CLI call id that wrote the row.
    public var requestId: String
    /// The CloudFormation stack that asked; nil from the CLI.
    public var stackId: String?
    /// A failure's reason or what was left alone, when there is one.
    public var detail: String?

    /// The entry's summary, leaving out the pool and request documents.
    public init(_ entry: JournalEntry) {
        id = entry.id
        time = JournalTime.format(entry.createdAt)
        action = entry.action.rawValue
        status = entry.status.rawValue
        poolId = entry.poolId
        attachmentId = entry.attachmentId
        requestId = entry.requestId
        stackId = entry.stackId
        detail = entry.detail
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}
