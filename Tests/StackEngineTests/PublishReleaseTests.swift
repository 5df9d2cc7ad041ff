import AWSCore
import AWSServices
import Crypto
import Foundation
import StackDeploy
import Testing
import TestSupport

/// scripts/publish-release.sh with the AWS CLI against the emulator, in three regions: buckets made,
/// objects uploaded and read back, only the release's prefix public, a re-run that changes nothing,
/// and a release with other bytes under a published version refused before anything is uploaded.
/// The release is a small one of the same shape as `make release`'s (a manifest, SHA256SUMS), so
/// that the test is about the publishing.
@Suite(.needsMinistack) struct PublishReleaseTests {
    static let regions = ["us-east-1", "eu-west-1", "ap-southeast-2"]

    /// A release folder holding `files`, with its manifest and SHA256SUMS.
    static func release(version: String, prefix: String, files: [String: String]) throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("publish-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func sha(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }
        var entries: [ReleaseManifest.File] = []
        for (name, text) in files.sorted(by: { $0.key < $1.key }) {
            try Data(text.utf8).write(to: folder.appendingPathComponent(name))
            entries.append(.init(name: name, size: text.utf8.count, sha256: sha(Data(text.utf8))))
        }
        let manifest = try JSONEncoder().encode(ReleaseManifest(version: version, commit: "test", bucketPrefix: prefix, regions: regions, files: entries))
        try manifest.write(to: folder.appendingPathComponent("manifest.json"))
        let sums = (entries.map { "\($0.sha256)  \($0.name)" } + ["\(sha(manifest))  manifest.json"]).joined(separator: "\n") + "\n"
        try Data(sums.utf8).write(to: folder.appendingPathComponent("SHA256SUMS"))
        return folder
    }

    static func publish(_ folder: URL, regions: [String] = []) async throws -> CommandResult {
        try await CommandRunner.run(
            BuiltProducts.packageRoot.appendingPathComponent("scripts/publish-release.sh").path, [folder.path] + regions,
            environment: try Ministack.cliEnvironment().merging(["AWS_CLI": BuiltProducts.packageRoot.appendingPathComponent(".build/awscli-venv/bin/aws").path]
            ) {
                $1
            })
    }

    @Test func publishesToEachRegionOnceAndRefusesOtherBytesUnderAPublishedVersion() async throws {
        let prefix = Moto.uniqueName("published")
        let files = ["new-user-pool.yaml": "Resources: {}\n", "LAUNCH.md": "# Launch\n"]
        let first = try Self.release(version: "1.2.3", prefix: prefix, files: files)
        defer { try? FileManager.default.removeItem(at: first) }

        let published = try await Self.publish(first)
        try #require(published.status == 0, "\(published.standardOutput)\(published.standardError)")
        for region in Self.regions {
            #expect(
                published.standardOutput.contains("\(region): s3://\(prefix)-\(region)/1.2.3/: 4 uploaded and verified, 0 already there"),
                "\(published.standardOutput)")
            let s3 = try S3Client(configuration: try Ministack.configuration(region: Region(rawValue: region)))
            let object = try await s3.getObject(bucket: "\(prefix)-\(region)", key: "1.2.3/new-user-pool.yaml")
            #expect(object.body == Data("Resources: {}\n".utf8))
            // Public: the release's prefix, and nothing else.
            let policy = try JSONValue(
                data: try await s3.client.rest("GetBucketPolicy", method: .GET, path: "/\(prefix)-\(region)", query: [("policy", "")]).body)
            let statements = policy["Statement"]?.arrayValue ?? []
            #expect(statements.count == 1 && statements[0]["Principal"] == "*" && statements[0]["Action"] == "s3:GetObject")
            #expect(statements.first?["Resource"] == [.string("arn:aws:s3:::\(prefix)-\(region)/1.2.3/*")], "\(policy)")
        }

        let again = try await Self.publish(first)
        #expect(again.status == 0, "\(again.standardError)")
        #expect(
            again.standardOutput.components(separatedBy: "0 uploaded and verified, 4 already there").count == Self.regions.count + 1, "\(again.standardOutput)")

        // The same version with other bytes: refused, and nothing of it uploaded anywhere.
        let changed = try Self.release(version: "1.2.3", prefix: prefix, files: files.merging(["LAUNCH.md": "# Launch, changed\n"]) { $1 })
        defer { try? FileManager.default.removeItem(at: changed) }
        let refused = try await Self.publish(changed)
        #expect(refused.status == 1, "\(refused.standardOutput)\(refused.standardError)")
        #expect(refused.standardError.contains("release 1.2.3 is already published with other bytes; a release is immutable, so nothing was uploaded"))
        #expect(refused.standardError.contains("s3://\(prefix)-ap-southeast-2/1.2.3/LAUNCH.md holds other bytes"), "\(refused.standardError)")
        let s3 = try S3Client(configuration: try Ministack.configuration(region: "eu-west-1"))
        #expect(try await s3.getObject(bucket: "\(prefix)-eu-west-1", key: "1.2.3/LAUNCH.md").body == Data("# Launch\n".utf8))

        // A new version goes beside it (in one of the regions, named), and the policy names both.
        let next = try Self.release(version: "1.2.4", prefix: prefix, files: files)
        defer { try? FileManager.default.removeItem(at: next) }
        let nextPublished = try await Self.publish(next, regions: ["eu-west-1"])
        #expect(nextPublished.standardOutput.contains("release 1.2.4 is in 1 region(s): eu-west-1"), "\(nextPublished.standardOutput)")
        #expect(nextPublished.status == 0, "\(nextPublished.standardError)")
        let policy = try JSONValue(data: try await s3.client.rest("GetBucketPolicy", method: .GET, path: "/\(prefix)-eu-west-1", query: [("policy", "")]).body)
        #expect(
            policy["Statement"]?.arrayValue?.first?["Resource"]
                == [.string("arn:aws:s3:::\(prefix)-eu-west-1/1.2.3/*"), .string("arn:aws:s3:::\(prefix)-eu-west-1/1.2.4/*")])

        // A folder whose files do not match its SHA256SUMS is refused before any call.
        try Data("tampered".utf8).write(to: next.appendingPathComponent("LAUNCH.md"))
        let tampered = try await Self.publish(next)
        #expect(tampered.status == 1 && tampered.standardError.contains("does not match its SHA256SUMS"), "\(tampered.standardError)")
    }
}
