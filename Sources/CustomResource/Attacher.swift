import AWSCore
import AWSServices
import Foundation
import Logging
import PoolConfig
import PoolJournal

/// Who asked for a change, for the journal.
public struct ChangeContext: Sendable, Equatable {
    /// CloudFormation's RequestId, or a fresh id per CLI call: repeated deliveries are found by it.
    public var requestId: String
    /// The stack and the resource's logical id, when CloudFormation asked; nil from the CLI.
    public var stackId: String?
    /// The custom resource's logical id in the stack (`LogicalResourceId`); nil from the CLI.
    public var logicalId: String?
    /// The account the change is made in, as CloudFormation's event names it.
    public var account: String?

    /// A context; from the CLI only `requestId` is given.
    public init(requestId: String, stackId: String? = nil, logicalId: String? = nil, account: String? = nil) {
        self.requestId = requestId
        self.stackId = stackId
        self.logicalId = logicalId
        self.account = account
    }
}

/// Attaches the redirect to a pool and takes it off again, journal first.
///
/// Attach: describe the pool and the sender; journal both, durably; attach the layer (at most
/// five in all); UpdateUserPool with the CustomSMSSender and KMSKeyID, every other setting
/// carried over; describe the pool again and check it holds exactly what was sent. A failure,
/// or a pool that came out otherwise, rolls back what was changed and is journaled with its reason.
/// Detach: restore what the journal recorded, leaving alone what someone else changed since, and
/// check the restore the same way (a difference is journaled and reported: there is nothing
/// older to roll back to).
public struct Attacher: Sendable {
    /// The pool's Cognito calls (DescribeUserPool, GetUserPoolMfaConfig, UpdateUserPool).
    public let cognito: any UserPoolService
    /// The sender's Lambda calls (its configuration and layers, layer versions).
    public let lambda: any SenderFunctionService
    /// Where every change is recorded first, durably, with what it changes from.
    public let journal: any JournalStore
    /// The region the pool is in, for the journal.
    public let region: Region
    /// Where attaches, replaced senders, drift left alone and retried updates are logged.
    public let logger: Logger
    /// The waits before each retry of an UpdateUserPool that Cognito refused because another
    /// update of the pool was in progress (`ConcurrentModificationException`).
    public var concurrentUpdateBackoff: [Duration] = [.milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2), .seconds(4)]

    /// Lambda's limit on layers per function.
    public static let maxLayers = 5

    /// An attacher for pools in `region`, journaling every change to `journal` before making it.
    public init(cognito: any UserPoolService, lambda: any SenderFunctionService, journal: any JournalStore, region: Region, logger: Logger) {
        self.cognito = cognito
        self.lambda = lambda
        self.journal = journal
        self.region = region
        self.logger = logger
    }

    /// What an attach did: the attachment's id (the PhysicalResourceId) and the layer it put on.
    public struct AttachResult: Sendable, Equatable {
        /// The attachment's id, the PhysicalResourceId CloudFormation will know it by.
        public var attachmentId: String
        /// The Encryption SDK layer version on the sender, when the attach handles the layer.
        public var layerVersionArn: String?
        /// True when this request had already been handled and its answer was replayed.
        public var replayed: Bool
        /// The CustomSMSSender the pool had before the first attach in force, when it was not
        /// ours: replaced until the detach puts it back.
        public var replacedSender: String? = nil
    }

    /// What a detach did, and what it left alone.
    public struct DetachResult: Sendable, Equatable {
        /// The attachment that was detached (or skipped).
        public var attachmentId: String
        /// What the detach did beside the restore, and what it left alone because someone else changed it.
        public var notes: [DetachNote]
        /// Why nothing was done, when nothing was.
        public var skipped: DetachSkip?
        /// True when this request had already been handled and its answer was replayed.
        public var replayed: Bool

        /// The pool had been deleted: there was nothing to restore (the layers still were).
        public var poolMissing: Bool {
            notes.contains { if case .poolMissing = $0 { true } else { false } }
        }
    }

    // MARK: Attach

    /// Puts the redirect on the pool `spec` names: journals the original pool, its MFA factors
    /// and the sender's layers first; attaches the layer; sends UpdateUserPool with our
    /// CustomSMSSender and KMSKeyID and every other setting carried over; reads the pool back and
    /// fails, rolling back, when it differs from what was sent or its MFA factors changed.
    ///
    /// A repeated request (same `context.requestId`) is answered from the journal without changing
    /// anything again. With `onlyRepeating` (the watch's re-attach), the attach is refused unless
    /// the attachment is in force and no detach of it is under way: the stack's Delete is never undone.
    ///
    /// - Throws: ``AttachError``: why, and the steps of the rollback, journaled as `failed` (a
    ///   repeated request that failed throws its journaled reason again). The journal's own error
    ///   when it cannot be read or take the `started` entry, before anything is changed.
    public func attach(_ spec: AttachmentSpec, context: ChangeContext, onlyRepeating: Bool = false) async throws -> AttachResult {
        let attachmentId = spec.attachmentId
        // One read of the journal (an S3 GET in Lambda) for everything the attach needs from it.
        let (previous, activeOnPool, detaching) = try await journal.read { database in
            (
                try database.entries(requestId: context.requestId).filter { $0.action == .attach }, try database.activeAttaches(poolId: spec.userPoolId),
                try database.detachUnderway(attachmentId: attachmentId)
            )
        }
        if onlyRepeating, detaching || !activeOnPool.contains(where: { $0.attachmentId == attachmentId }) {
            throw AttachError(.notInForce, attachmentId: attachmentId)
        }
        if let done = previous.last(where: { $0.status == .succeeded }) {
            return AttachResult(
                attachmentId: done.attachmentId, layerVersionArn: done.layerVersionArn, replayed: true,
                replacedSender: Self.replacedSender(in: done.originalPool, by: done.senderArn ?? spec.senderFunctionArn))
        }
        if let failed = previous.last(where: { $0.status == .failed }) {
            throw AttachError(.failedBefore(detail: failed.detail ?? "the attach failed"), attachmentId: attachmentId)
        }
        let plan = AttachPlan(spec: spec, before: try await readBefore(spec), previous: previous, activeOnPool: activeOnPool)
        var entry = plan.startEntry(context: context, region: region)
        if previous.isEmpty { entry = try await journal.append(entry) }

        var undo = UndoLog()
        do {
            let (request, layerArn) = try await apply(plan, startedAs: entry, undo: &undo)
            var succeeded = entry.next(.succeeded, detail: plan.successDetail, appliedRequest: request)
            succeeded.layerVersionArn = layerArn
            succeeded.publishedLayer = undo.publishedLayer != nil
            _ = try await journal.append(succeeded)
            logger.info("attached", metadata: ["attachmentId": "\(attachmentId)", "userPoolId": "\(spec.userPoolId)"])
            if let replacedSender = plan.replacedSender(.sms) {
                logger.warning(
                    "the pool's own CustomSMSSender is replaced until the detach",
                    metadata: ["replacedSender": "\(replacedSender)", "userPoolId": "\(spec.userPoolId)"])
            }
            return AttachResult(attachmentId: attachmentId, layerVersionArn: layerArn, replayed: false, replacedSender: plan.replacedSender(.sms))
        } catch {
            let failure = AttachError(
                (error as? AttachStop)?.failure ?? .callFailed(error),
                rollback: await undo.undo(with: self, poolId: spec.userPoolId, sender: spec.senderFunctionArn),
                attachmentId: attachmentId)
            var failed = entry.next(.failed, detail: failure.reason)
            failed.layerVersionArn = undo.publishedLayer?.layerVersionArn
            failed.publishedLayer = undo.publishedLayer != nil
            _ = try? await journal.append(failed)
            throw failure
        }
    }

    /// What the pool and the function look like before anything changes, with the refusals that
    /// need them (an undeclared SMS role, a key the sender cannot use). A failure here is
    /// journaled nowhere: there is nothing to undo.
    private func readBefore(_ spec: AttachmentSpec) async throws(AttachError) -> AttachPlan.Before {
        let attachmentId = spec.attachmentId
        func reading<T>(_ body: () async throws -> T) async throws(AttachError) -> T {
            do { return try await body() } catch { throw AttachError(.readFailed(error), attachmentId: attachmentId) }
        }
        let described = try await reading { try await cognito.describeUserPool(id: spec.userPoolId) }
        try spec.refuseUndeclaredSMSRole(described: described, attachmentId: attachmentId)
        let mfa = try await reading { try await cognito.getUserPoolMfaConfig(id: spec.userPoolId) }
        let function = try await reading { try await lambda.getFunctionConfiguration(functionName: spec.senderFunctionArn) }
        try spec.refuseKeyTheSenderCannotUse(function: function, region: region, attachmentId: attachmentId)
        return AttachPlan.Before(pool: described, mfa: mfa, function: function)
    }

    /// The attach's changes, each recorded in `undo` as it is made: the layer, then the pool, each
    /// checked. Returns the UpdateUserPool request sent and the layer put on.
    private func apply(_ plan: AttachPlan, startedAs entry: JournalEntry, undo: inout UndoLog) async throws -> (request: JSONValue, layerArn: String?) {
        let spec = plan.spec
        let request = try plan.request()
        let layerArn = try await putLayer(plan, startedAs: entry, undo: &undo)
        // Someone else's change since the describe would be overwritten by a request built
        // from it: look once more, as late as can be, and leave their change alone.
        let changedMeanwhile = PoolDiff.poolDifferences(from: plan.before.pool, to: try await cognito.describeUserPool(id: spec.userPoolId))
        guard changedMeanwhile.isEmpty else { throw AttachStop(.poolChangedMeanwhile(changedMeanwhile)) }
        try await updateUserPool(request)
        undo.record(.updatedPool(previously: plan.before.pool, mfa: plan.before.mfa))
        let differences = try await verify(poolId: spec.userPoolId, holds: request)
        guard differences.isEmpty else { throw AttachStop(.poolNotAsSent(differences)) }
        let mfaDifferences = try await verifyMfa(poolId: spec.userPoolId, holds: plan.before.mfa)
        guard mfaDifferences.isEmpty else { throw AttachStop(.mfaFactorsChanged(mfaDifferences)) }
        return (request, layerArn)
    }

    /// Publishes the layer when the spec asks (journaled at once, so that a cut-off attach can
    /// delete it) and puts it on the sender, within Lambda's limit.
    private func putLayer(_ plan: AttachPlan, startedAs entry: JournalEntry, undo: inout UndoLog) async throws -> String? {
        let spec = plan.spec
        let layerArn: String
        switch spec.layer {
        case .none: return nil
        case let .existing(arn): layerArn = arn
        case let .publish(name, bucket, key):
            let published = try await lambda.publishLayer(
                name: name, content: .s3(bucket: bucket, key: key), description: "AWS Encryption SDK for the CognitoSMSRedirect sender")
            undo.record(.publishedLayer(published))
            layerArn = published.layerVersionArn
            var publishing = entry.next(.started, detail: "published layer version \(layerArn)")
            publishing.layerVersionArn = layerArn
            publishing.publishedLayer = true
            _ = try await journal.append(publishing)
        }
        let current = plan.before.function.layers
        let layers = plan.layers(adding: layerArn)
        guard layers.count <= Self.maxLayers else {
            throw AttachStop(.tooManyLayers(sender: spec.senderFunctionName, count: layers.count, current: current))
        }
        if layers != current {
            try await lambda.setLayers(layers, functionName: spec.senderFunctionArn)
            undo.record(.setLayers(previously: current))
        }
        return layerArn
    }

    // MARK: Helpers

    /// The CustomSMSSender (or `trigger`) of a journaled original, unless it is the one being attached.
    static func replacedSender(in original: JSONValue?, by sender: String, trigger: CustomSenderTrigger = .sms) -> String? {
        guard let previous = original.lambdaConfig.senderArn(trigger), previous != sender else { return nil }
        return previous
    }

    /// The function's layers with ours: the current ones (keeping others' changes), less the layer
    /// of an attachment being replaced, plus ours, once.
    static func layers(current: [String], original: [String], replacing: String?, adding: String) -> [String] {
        var layers = current.filter { $0 != replacing || original.contains($0) }
        if !layers.contains(adding) { layers.append(adding) }
        return layers
    }

    /// `arn:aws:lambda:region:account:layer:NAME:VERSION` → NAME.
    static func layerName(ofArn arn: String) -> String {
        ARN(arn)?.lambdaLayerVersion?.name ?? arn
    }
}

/// Stops an attach under way with a typed failure; the attach adds the rollback.
struct AttachStop: Error {
    var failure: AttachFailure
    init(_ failure: AttachFailure) { self.failure = failure }
}
