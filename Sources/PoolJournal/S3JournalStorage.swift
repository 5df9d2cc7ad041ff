import AWSCore
import AWSServices
import Foundation

/// S3 as the journal's object storage: conditional writes by ETag.
public struct S3JournalStorage: JournalObjectStorage {
    /// The S3 client the journal object is read and written with.
    public let s3: S3Client

    /// Storage in S3 through `s3`.
    public init(s3: S3Client) { self.s3 = s3 }

    /// GetObject; nil when there is no such object yet. A missing ETag reads as empty.
    /// - Throws: `JournalError.noBucket` when the bucket itself does not exist: a mistyped
    ///   journal location must not read as an empty journal ("no attach in force").
    public func get(bucket: String, key: String) async throws -> (data: Data, eTag: String)? {
        do {
            let object = try await s3.getObject(bucket: bucket, key: key)
            return (object.body, object.eTag ?? "")
        } catch let error as AWSError where error.isNoSuchBucket {
            throw JournalError.noBucket(bucket: bucket)
        } catch let error as AWSError where error.isNotFound {
            return nil
        }
    }

    /// PutObject with `If-Match: ifMatch`, or `If-None-Match: *` to create; returns the new ETag.
    /// - Throws: ``JournalPreconditionFailed`` when the write lost (S3's 412, or 409 during another conditional write).
    public func put(bucket: String, key: String, data: Data, ifMatch: String?) async throws -> String {
        do {
            let eTag = try await s3.putObject(
                bucket: bucket, key: key, body: data, contentType: "application/vnd.sqlite3",
                ifMatch: ifMatch, ifNoneMatch: ifMatch == nil ? "*" : nil)
            return eTag ?? ""
        } catch let error as AWSError where error.isPreconditionFailed {
            throw JournalPreconditionFailed()
        }
    }
}

extension JournalStores {
    /// The store a `--journal` option or `JOURNAL_URI` names: `s3://bucket/key`, or a file path.
    public static func store(for location: String, s3: @autoclosure () throws -> S3Client) throws -> any JournalStore {
        if location.hasPrefix("s3://") {
            let (bucket, key) = try RemoteJournalStore.parse(uri: location)
            return RemoteJournalStore(bucket: bucket, key: key, storage: S3JournalStorage(s3: try s3()))
        }
        guard !location.isEmpty, !location.contains("://") else { throw JournalError.invalidURI(location) }
        return LocalJournalStore(path: location)
    }
}

/// Choosing a journal store from configuration.
public enum JournalStores {
    /// The CLI's default journal: `~/.smsredirect/journal.sqlite`.
    public static var defaultLocalPath: String {
        let home = ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()
        return "\(home)/.smsredirect/journal.sqlite"
    }
}
