import AWSCore
import AWSServices
import Foundation
import PoolJournal

/// Where a deploy takes its template and Lambda code from.
public enum DeploySource: Sendable, Equatable {
    /// A published release: the packaged template from the release's bucket in the stack's region.
    case release(ReleaseLayout)
    /// A JSON template of cfn/ and the zips `make package` wrote, uploaded to `bucket` (default:
    /// `smsredirect-artifacts-<account>-<region>`, created when missing).
    case local(template: URL, artifacts: URL, bucket: String?)
}

/// A deploy that could not start, and what to do about it.
public enum DeploySourceError: Error, Equatable, CustomStringConvertible {
    /// The release is not in the stack's region.
    case releaseNotPublished(version: String, region: String, url: String)
    /// A local template that is not the JSON twin.
    case templateNotJSON(path: String)
    /// A local template that cannot be read.
    case unreadableTemplate(path: String, reason: String)
    /// A region the project publishes no release to: a bucket of the release's name there could be anyone's.
    case regionWithoutRelease(region: String, regions: [String])

    /// What went wrong and what to do, in words.
    public var description: String {
        switch self {
        case let .releaseNotPublished(version, region, url):
            "release \(version) is not published in \(region) (\(url) is not there): deploy from a build instead (`make deploy`, or `smsredirect deploy --template cfn/….json --artifacts dist`), or give --release-bucket-prefix for your own mirror"
        case let .templateNotJSON(path):
            "\(path) is not a JSON template: give the JSON twin (cfn/new-user-pool.json or cfn/existing-user-pool.json)"
        case let .unreadableTemplate(path, reason): "\(path) cannot be read as a template: \(reason)"
        case let .regionWithoutRelease(region, regions):
            "releases are published to \(regions.joined(separator: ", ")), not \(region): deploy from a build (`make deploy`, or `smsredirect deploy --template cfn/….json --artifacts dist`), or from your own mirror (--release-bucket-prefix)"
        }
    }
}

/// `smsredirect deploy`: the template from a release or a build, the code where the stack's
/// region can read it, then the stack through a change set.
public struct Deployment: Sendable {
    /// The configuration every call uses (its region is the stack's).
    public var aws: AWSClientConfiguration
    /// The deployer that runs the change set and follows the stack.
    public var deployer: StackDeployer

    /// A deployment through `aws`.
    public init(aws: AWSClientConfiguration, deployer: StackDeployer) {
        self.aws = aws
        self.deployer = deployer
    }

    /// What the deploy is doing, for a person or a script to follow.
    public enum Progress: Sendable {
        /// A step, in words.
        case step(String)
        /// A stack event, as it arrives.
        case event(CloudFormationClient.StackEvent)
    }

    /// Deploys `input` from `source`, reporting each step and stack event.
    public func run(_ input: DeployInput, from source: DeploySource, progress: (Progress) -> Void) async throws -> StackDeployer.DeployResult {
        let s3 = deployer.s3
        var template: JSONValue
        var parameters = input.parameters
        switch source {
        case let .release(layout):
            // The project's buckets exist only where it publishes; elsewhere the name is anyone's to take.
            if layout.bucketPrefix == ReleaseLayout.publicBucketPrefix && !ReleaseLayout.defaultRegions.contains(input.region) {
                throw DeploySourceError.regionWithoutRelease(region: input.region, regions: ReleaseLayout.defaultRegions)
            }
            let bucket = layout.bucket(in: input.region), key = layout.key(input.template.jsonFile)
            progress(.step("template: release \(layout.version), s3://\(bucket)/\(key)"))
            do {
                template = try JSONValue(data: try await s3.getObject(bucket: bucket, key: key).body)
            } catch let error as AWSError where error.isNotFound || error.isNoSuchBucket || error.isAccessDenied {
                throw DeploySourceError.releaseNotPublished(
                    version: layout.version, region: input.region, url: layout.url(input.template.jsonFile, region: input.region))
            }
            parameters[ReleaseLayout.bucketPrefixParameter] = layout.bucketPrefix
        case let .local(file, artifacts, bucket):
            guard file.pathExtension.lowercased() == "json" else { throw DeploySourceError.templateNotJSON(path: file.path) }
            let local: JSONValue
            do {
                local = try JSONValue(data: try Data(contentsOf: file))
            } catch {
                throw DeploySourceError.unreadableTemplate(path: file.path, reason: "\(error)")
            }
            let bucket = try await artifactBucket(bucket)
            progress(.step("code: \(artifacts.path) to s3://\(bucket)/ (each zip under its SHA-256, uploaded once)"))
            let locations = try await uploadContentAddressed(from: artifacts, bucket: bucket)
            template = try TemplatePackaging.package(local) { locations[$0]! }
        }
        progress(.step("stack \(input.stackName) in \(input.region): \(input.template.rawValue), through a change set"))
        return try await deployer.deploy(stack: input.stackName, template: template, parameters: parameters) { progress(.event($0)) }
    }

    /// The artifact bucket: the one given, or this account's `smsredirect-artifacts-<account>-<region>`, created when missing.
    func artifactBucket(_ given: String?) async throws -> String {
        let bucket: String
        if let given {
            bucket = given
        } else {
            bucket = "smsredirect-artifacts-\(try await STSClient(configuration: aws).account())-\(aws.region.rawValue)"
        }
        do {
            try await deployer.s3.createBucket(name: bucket)
        } catch let error as AWSError where error.code == "BucketAlreadyOwnedByYou" || error.isAlreadyExists {
            // Ours from an earlier deploy.
        }
        return bucket
    }

    /// Uploads each zip under `smsredirect/<sha256>/<file>`, skipping one already there: a redeploy
    /// of unchanged code names the same objects, so its change set finds no change.
    func uploadContentAddressed(from directory: URL, bucket: String) async throws -> [LambdaArtifact: ArtifactLocation] {
        var locations: [LambdaArtifact: ArtifactLocation] = [:]
        for artifact in LambdaArtifact.allCases {
            let file = directory.appendingPathComponent(artifact.fileName)
            guard let body = FileManager.default.contents(atPath: file.path) else { throw MissingArtifact(path: file.path) }
            let key = "smsredirect/\(ReleaseAssembler.sha256(body))/\(artifact.fileName)"
            let present = (try? await deployer.s3.headObject(bucket: bucket, key: key))?.contentLength == body.count
            if !present { try await deployer.s3.putObject(bucket: bucket, key: key, body: body, contentType: "application/zip") }
            locations[artifact] = ArtifactLocation(bucket: bucket, key: key)
        }
        return locations
    }
}

/// What became of a stack's user pool when the stack was deleted.
public enum PoolRestoration: Sendable, Equatable {
    /// The helper restored the pool to the configuration it journaled first (the journal's entry),
    /// with what it noted on the way (a setting someone else changed meanwhile, left alone), if anything.
    case restored(poolId: String, entry: Int64, notes: String?)
    /// The helper's Delete did not restore it, saying why (the journal's detail).
    case notRestored(poolId: String, detail: String)
    /// The stack created the pool, and deleted it with the rest.
    case deletedWithTheStack(poolId: String)
    /// The journal could not tell.
    case unknown(poolId: String, reason: String)
}

/// `smsredirect destroy`: deletes the stack, waits, and reads the journal (which outlives the
/// stack) for what the helper's Delete did to the pool.
public struct Teardown: Sendable {
    /// The deployer that deletes and follows the stack.
    public var deployer: StackDeployer

    /// A teardown through `deployer`.
    public init(deployer: StackDeployer) { self.deployer = deployer }

    /// How the delete ended, and what became of the pool.
    public struct Result: Sendable {
        /// The delete, followed to its end.
        public var outcome: StackOutcome
        /// The pool's fate; nil when the stack named no pool.
        public var pool: PoolRestoration?
    }

    /// Deletes `stack` and reports. The pool's fate is read from the helper's Delete of this stack's
    /// attachment, journaled after the delete began (allowing five minutes for clocks that differ).
    public func run(stack: String, progress: (CloudFormationClient.StackEvent) -> Void) async throws -> Result {
        let before = try await deployer.cloudFormation.describeStack(name: stack)
        let attachment = try? await deployer.cloudFormation.describeStackResources(name: before.stackId)["SMSRedirectAttachment"]
        let began = Date().addingTimeInterval(-300)
        let outcome = try await deployer.delete(stack: stack, progress: progress)
        guard let poolId = before.outputs["UserPoolId"] else { return Result(outcome: outcome, pool: nil) }
        guard before.parameters["UserPoolId"] != nil else { return Result(outcome: outcome, pool: .deletedWithTheStack(poolId: poolId)) }
        guard let bucket = before.outputs["JournalBucketName"] else {
            return Result(outcome: outcome, pool: .unknown(poolId: poolId, reason: "the stack has no JournalBucketName output"))
        }
        let location = "s3://\(bucket)/journal/\(before.name).sqlite"
        do {
            let entries = try await JournalStores.store(for: location, s3: deployer.s3).read { try $0.all() }
            let restores = entries.filter {
                $0.poolId == poolId && $0.action == .detach && $0.status != .started && $0.createdAt >= began
                    && (attachment == nil || $0.attachmentId == attachment)
            }
            guard let last = restores.last else {
                return Result(outcome: outcome, pool: .unknown(poolId: poolId, reason: "\(location) records no restore of the pool by this delete"))
            }
            if last.status == .succeeded, let id = last.id {
                return Result(outcome: outcome, pool: .restored(poolId: poolId, entry: id, notes: last.detail.flatMap { $0.isEmpty ? nil : $0 }))
            }
            return Result(outcome: outcome, pool: .notRestored(poolId: poolId, detail: last.detail ?? last.status.rawValue))
        } catch {
            return Result(outcome: outcome, pool: .unknown(poolId: poolId, reason: "\(location) could not be read: \(error)"))
        }
    }
}
