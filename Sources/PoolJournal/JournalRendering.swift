import Foundation

/// `journal list`'s table.
public enum JournalTable {
    /// Columns as wide as their widest value, so a long pool id never pushes DETAIL out of line.
    public static func render(_ entries: [JournalEntry]) -> String {
        let rows = entries.map { entry in
            [String(entry.id ?? 0), JournalTime.format(entry.createdAt), entry.action.rawValue, entry.status.rawValue, entry.poolId,
             String((entry.detail.flatMap { $0.isEmpty ? nil : $0 } ?? entry.attachmentId).replacingOccurrences(of: "\n", with: " ").prefix(100))]
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
    public var id: Int64?
    public var time: String
    public var action: String
    public var status: String
    public var poolId: String
    public var attachmentId: String
    public var requestId: String
    public var stackId: String?
    public var detail: String?

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
