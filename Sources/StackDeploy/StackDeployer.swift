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

    /// What a change-set deploy came to.
    public enum DeployResult: Sendable {
        /// The stack already had this template and these parameters: nothing ran (a redeploy with no change).
        case unchanged(CloudFormationClient.Stack)
        /// The change set ran: how the stack ended.
        case changed(StackOutcome)
    }

    /// Creates or updates the stack through a change set, so that a redeploy with no change
    /// succeeds instead of failing as UpdateStack would, then follows it until it settles.
    public func deploy(
        stack name: String, template: JSONValue, parameters: [String: String], progress: (CloudFormationClient.StackEvent) -> Void = { _ in }
    ) async throws -> DeployResult {
        var existing: CloudFormationClient.Stack?
        do {
            existing = try await cloudFormation.describeStack(name: name)
        } catch let error as AWSError where error.isNoSuchStack {
            existing = nil
        }
        if let existing, existing.status == "ROLLBACK_COMPLETE" || existing.status == "ROLLBACK_FAILED" || existing.status == "DELETE_FAILED" {
            throw StackNeedsDeleting(stack: name, status: existing.status)
        }
        // A stack whose first change set never ran is in REVIEW_IN_PROGRESS: it is still created.
        let type: CloudFormationClient.ChangeSetType = existing == nil || existing?.status == "REVIEW_IN_PROGRESS" ? .create : .update
        var seen: Set<String> = []
        if let existing { seen = Set(try await cloudFormation.describeStackEvents(name: existing.stackId).map(\.eventId)) }
        let changeSetName = "smsredirect-\(Int(Date().timeIntervalSince1970))-\(UUID().uuidString.prefix(6).lowercased())"
        let id = try await cloudFormation.createChangeSet(
            stack: name, name: changeSetName, type: type, templateBody: template.jsonString, parameters: parameters, capabilities: Self.capabilities)
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        var changeSet = try await cloudFormation.describeChangeSet(id: id)
        while changeSet.status != "CREATE_COMPLETE" && changeSet.status != "FAILED" {
            guard clock.now < deadline else { throw StackWaitTimedOut(stack: name, status: "change set \(changeSet.status)", waited: timeout) }
            try await Task.sleep(for: pollInterval)
            changeSet = try await cloudFormation.describeChangeSet(id: id)
        }
        if changeSet.status == "FAILED" {
            let reason = changeSet.statusReason ?? ""
            if let existing, reason.contains("didn't contain changes") || reason.contains("No updates are to be performed") {
                try? await cloudFormation.deleteChangeSet(id: id)
                return .unchanged(existing)
            }
            throw ChangeSetFailed(stack: name, reason: reason)
        }
        try await cloudFormation.executeChangeSet(id: id)
        let stackId = try await cloudFormation.describeStack(name: name).stackId
        return .changed(try await follow(type == .create ? .create : .update, stackId: stackId, name: name, seen: seen, progress: progress))
    }

    /// Reads the stack and its new events until it settles: its status is no longer `…_IN_PROGRESS`
    /// and the stack's own event for that status has arrived (a read just after the operation
    /// started could still show the status from before it), or the same settled status has been
    /// read three times over (an engine that records no such event).
    func follow(
        _ operation: StackOutcome.Operation, stackId: String, name: String, seen: Set<String>,
        progress: (CloudFormationClient.StackEvent) -> Void
    ) async throws -> StackOutcome {
        var seen = seen
        var events: [CloudFormationClient.StackEvent] = []
        var settledReads = 0
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: timeout)
        while true {
            let stack = try await cloudFormation.describeStack(name: stackId)
            for event in try await cloudFormation.describeStackEvents(name: stackId, stoppingAt: seen) where !seen.contains(event.eventId) {
                seen.insert(event.eventId)
                events.append(event)
                progress(event)
            }
            if !stack.status.hasSuffix("_IN_PROGRESS") {
                settledReads += 1
                let recorded = events.contains { $0.resourceType == "AWS::CloudFormation::Stack" && $0.status == stack.status }
                if recorded || settledReads >= 3 { return StackOutcome(operation: operation, stack: stack, events: events) }
            } else {
                settledReads = 0
            }
            guard clock.now < deadline else { throw StackWaitTimedOut(stack: name, status: stack.status, waited: timeout) }
            try await Task.sleep(for: pollInterval)
        }
    }
}

/// A stack CloudFormation cannot update: a Create that rolled back, or a failed delete.
public struct StackNeedsDeleting: Error, CustomStringConvertible {
    /// The stack.
    public var stack: String
    /// Its status.
    public var status: String
    /// What happened and what to do, in words.
    public var description: String {
        "the stack \(stack) is \(status): CloudFormation cannot update it. Delete it (`smsredirect destroy --stack \(stack)`), then deploy again; its first failing event says what went wrong (`smsredirect status --stack \(stack)`)"
    }
}

/// A change set CloudFormation refused to make: the template or the parameters are wrong.
public struct ChangeSetFailed: Error, CustomStringConvertible {
    /// The stack.
    public var stack: String
    /// CloudFormation's reason.
    public var reason: String
    /// What happened and what to do, in words.
    public var description: String { "CloudFormation refused the change to \(stack): \(reason)" }
}

/// An artifact the upload needs is not there.
public struct MissingArtifact: Error, CustomStringConvertible {
    /// The file that was looked for.
    public var path: String
    /// What happened and what to do, in words.
    public var description: String { "\(path) is missing: build the Lambda zips first (`make package`, or `make test-package` for a debug build)" }
}
