import AWSCore
import AWSServices
import Foundation

/// How a stack operation ended: the stack as CloudFormation left it, and what happened on the way.
public struct StackOutcome: Sendable {
    /// The operation that was followed.
    public enum Operation: String, Sendable {
        case create = "CREATE"
        case update = "UPDATE"
        case delete = "DELETE"
    }

    /// What was done.
    public var operation: Operation
    /// The stack at the end (its status, reason and outputs).
    public var stack: CloudFormationClient.Stack
    /// The stack's events during the operation, oldest first.
    public var events: [CloudFormationClient.StackEvent]

    /// Whether the stack reached `<OPERATION>_COMPLETE` (not a rollback, not a failure).
    public var succeeded: Bool { stack.status == "\(operation.rawValue)_COMPLETE" }

    /// The first event that failed, with its reason: the cause, where later failures are its consequences.
    public var firstFailure: CloudFormationClient.StackEvent? { events.first(where: \.isFailure) }
}

/// A stack that did not settle in time: CloudFormation's last word on it.
public struct StackWaitTimedOut: Error, CustomStringConvertible {
    /// The stack.
    public var stack: String
    /// Its status when the wait gave up.
    public var status: String
    /// How long the wait was.
    public var waited: Duration

    /// What happened and what to do, in words.
    public var description: String {
        "the stack \(stack) was still \(status) after \(waited.components.seconds) s: follow it with `aws cloudformation describe-stack-events --stack-name \(stack)`"
    }
}

/// Deploys a packaged template and follows it: uploads the artifacts, creates, updates or deletes
/// the stack, and reports each stack event as it arrives until the stack settles.
public struct StackDeployer: Sendable {
    /// The CloudFormation the stacks live in.
    public var cloudFormation: CloudFormationClient
    /// Where the artifacts go.
    public var s3: S3Client
    /// How often the stack is read while it changes.
    public var pollInterval: Duration
    /// How long a stack may take to settle.
    public var timeout: Duration

    /// The capabilities the templates need: they create IAM roles.
    public static let capabilities = ["CAPABILITY_IAM"]

    /// A deployer; `timeout` bounds each wait (the helper's custom resource allows itself 300 s).
    public init(cloudFormation: CloudFormationClient, s3: S3Client, pollInterval: Duration = .milliseconds(500), timeout: Duration = .seconds(900)) {
        self.cloudFormation = cloudFormation
        self.s3 = s3
        self.pollInterval = pollInterval
        self.timeout = timeout
    }

    /// Uploads each artifact in `directory` to `bucket` under `keyPrefix`, and returns where the
    /// packaged template finds it.
    public func uploadArtifacts(from directory: URL, bucket: String, keyPrefix: String) async throws -> [LambdaArtifact: ArtifactLocation] {
        var locations: [LambdaArtifact: ArtifactLocation] = [:]
        for artifact in LambdaArtifact.allCases {
            let file = directory.appendingPathComponent(artifact.fileName)
            let body: Data
            do { body = try Data(contentsOf: file) } catch {
                throw MissingArtifact(path: file.path)
            }
            let key = keyPrefix.isEmpty ? artifact.fileName : "\(keyPrefix)/\(artifact.fileName)"
            try await s3.putObject(bucket: bucket, key: key, body: body, contentType: "application/zip")
            locations[artifact] = ArtifactLocation(bucket: bucket, key: key)
        }
        return locations
    }

    /// CreateStack, then follows it until it settles; `progress` gets each event as it arrives.
    public func create(
        stack name: String, template: JSONValue, parameters: [String: String], progress: (CloudFormationClient.StackEvent) -> Void = { _ in }
    ) async throws -> StackOutcome {
        let id = try await cloudFormation.createStack(
            name: name, templateBody: template.jsonString, parameters: parameters, capabilities: Self.capabilities)
        return try await follow(.create, stackId: id, name: name, seen: [], progress: progress)
    }

    /// UpdateStack, then follows it until it settles (a failed update rolls back: the outcome says so).
    public func update(
        stack name: String, template: JSONValue, parameters: [String: String], progress: (CloudFormationClient.StackEvent) -> Void = { _ in }
    ) async throws -> StackOutcome {
        let before = try await cloudFormation.describeStack(name: name)
        let seen = Set(try await cloudFormation.describeStackEvents(name: before.stackId).map(\.eventId))
        try await cloudFormation.updateStack(
            name: name, templateBody: template.jsonString, parameters: parameters, capabilities: Self.capabilities)
        return try await follow(.update, stackId: before.stackId, name: name, seen: seen, progress: progress)
    }

    /// DeleteStack, then follows it until it is gone (followed by id: a deleted stack's name no
    /// longer resolves).
    public func delete(stack name: String, progress: (CloudFormationClient.StackEvent) -> Void = { _ in }) async throws -> StackOutcome {
        let before = try await cloudFormation.describeStack(name: name)
        let seen = Set(try await cloudFormation.describeStackEvents(name: before.stackId).map(\.eventId))
        try await cloudFormation.deleteStack(name: before.stackId)
        return try await follow(.delete, stackId: before.stackId, name: name, seen: seen, progress: progress)
    }

    /// Reads the stack and its new events until its status is no longer `…_IN_PROGRESS`.
    func follow(
        _ operation: StackOutcome.Operation, stackId: String, name: String, seen: Set<String>,
        progress: (CloudFormationClient.StackEvent) -> Void
    ) async throws -> StackOutcome {
        var seen = seen
        var events: [CloudFormationClient.StackEvent] = []
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let stack = try await cloudFormation.describeStack(name: stackId)
            for event in try await cloudFormation.describeStackEvents(name: stackId) where !seen.contains(event.eventId) {
                seen.insert(event.eventId)
                events.append(event)
                progress(event)
            }
            if !stack.status.hasSuffix("_IN_PROGRESS") {
                return StackOutcome(operation: operation, stack: stack, events: events)
            }
            guard clock.now < deadline else { throw StackWaitTimedOut(stack: name, status: stack.status, waited: timeout) }
            try await Task.sleep(for: pollInterval)
        }
    }
}

/// An artifact the upload needs is not there.
public struct MissingArtifact: Error, CustomStringConvertible {
    /// The file that was looked for.
    public var path: String
    /// What happened and what to do, in words.
    public var description: String { "\(path) is missing: build the Lambda zips first (`make package`, or `make test-package` for a debug build)" }
}
