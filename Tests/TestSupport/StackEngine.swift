import AWSCore
import AWSServices
import Foundation
import PoolConfig
import StackDeploy
import Testing

/// The templates deployed for real (StackEngineTests, DoctorTests): through ministack's CloudFormation, from the Lambda zips
/// `make test-package` writes to dist/ (uploaded to its S3 and packaged by ``TemplatePackaging``,
/// as a release packages them). The helper and the sender run as ministack runs a `provided.al2023`
/// function: their bootstrap, on this host.
public struct StackEngine: Sendable {
    public let aws: AWSClientConfiguration
    public let cloudFormation: CloudFormationClient
    public let s3: S3Client
    public let cognito: CognitoIdentityProviderClient
    public let lambda: LambdaClient
    public let kms: KMSClient
    public let sqs: SQSClient
    public let deployer: StackDeployer

    public init() throws {
        aws = try Ministack.configuration()
        cloudFormation = try CloudFormationClient(configuration: aws)
        s3 = try S3Client(configuration: aws)
        cognito = try CognitoIdentityProviderClient(configuration: aws)
        lambda = try LambdaClient(configuration: aws)
        kms = try KMSClient(configuration: aws)
        sqs = try SQSClient(configuration: aws)
        // Polls at the engine's pace; the wait allows for a machine busy enough to slow every answer.
        deployer = StackDeployer(cloudFormation: cloudFormation, s3: s3, pollInterval: .milliseconds(200), timeout: Moto.arrivalTimeout * 3)
    }

    /// A template of cfn/ (`existing-user-pool` or `new-user-pool`), `edit` applied, packaged to
    /// take its code from the uploaded zips.
    public func template(_ name: String, edit: (inout JSONValue) -> Void = { _ in }) async throws -> JSONValue {
        var template = try JSONValue(data: Data(contentsOf: BuiltProducts.packageRoot.appendingPathComponent("cfn/\(name).json")))
        edit(&template)
        let locations = try await Artifacts.shared.locations(engine: self)
        return try TemplatePackaging.package(template) { locations[$0]! }
    }

    /// Creates a stack and returns how it ended.
    public func create(_ name: String, template: JSONValue, parameters: [String: String]) async throws -> StackOutcome {
        try await deployer.create(stack: name, template: template, parameters: parameters)
    }

    /// A stack's resources' physical ids, by logical id.
    public func resources(_ stack: String) async throws -> [String: String] {
        try await cloudFormation.describeStackResources(name: stack)
    }

    /// A pool as the helper must leave it alone: DescribeUserPool and GetUserPoolMfaConfig.
    public func snapshot(pool id: String) async throws -> PoolSnapshot {
        PoolSnapshot(pool: try await cognito.describeUserPool(id: id), mfa: try await cognito.getUserPoolMfaConfig(id: id))
    }

    /// The stack's events, one a line, and where the engine's log is: what a failing test shows.
    public static func story(_ outcome: StackOutcome) -> Comment {
        let events = outcome.events.map { "\($0.logicalResourceId) \($0.status)\($0.statusReason.map { ": \($0)" } ?? "")" }
        return "\(outcome.stack.name) \(outcome.stack.status)\n\(events.joined(separator: "\n"))\nministack's log: \(Ministack.log)"
    }

    /// A stack name no other test uses (at most 48 characters: the helper's limit).
    public static func stackName(_ purpose: String) -> String { Moto.uniqueName("engine-\(purpose)") }
}

/// A user pool's whole configuration, as two reads give it.
public struct PoolSnapshot: Equatable, Sendable {
    public var pool: JSONValue
    public var mfa: JSONValue

    /// The dotted paths where `other`'s pool differs from this one's (PoolDiff's comparison,
    /// which leaves out what changes by itself: LastModifiedDate, EstimatedNumberOfUsers).
    public func differences(to other: PoolSnapshot) -> [String] {
        PoolDiff.poolDifferences(from: pool, to: other.pool).map(\.path) + (mfa == other.mfa ? [] : ["GetUserPoolMfaConfig"])
    }
}

/// The three zips, uploaded once per test process to a bucket of the engine's.
actor Artifacts {
    static let shared = Artifacts()
    private var uploaded: Task<[LambdaArtifact: ArtifactLocation], any Error>?

    func locations(engine: StackEngine) async throws -> [LambdaArtifact: ArtifactLocation] {
        if let uploaded { return try await uploaded.value }
        let task = Task {
            let bucket = Moto.uniqueName("engine-artifacts")
            try await engine.s3.createBucket(name: bucket)
            return try await engine.deployer.uploadArtifacts(
                from: BuiltProducts.packageRoot.appendingPathComponent("dist"), bucket: bucket, keyPrefix: "test")
        }
        uploaded = task
        return try await task.value
    }
}
