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
        /// What was left alone because someone else changed it.
        public var drift: [String]
        /// Why nothing was done, when nothing was.
        public var skipped: String?
        /// True when this request had already been handled and its answer was replayed.
        public var replayed: Bool
        /// The pool had been deleted: there was nothing to restore (the layers still were).
        public var poolMissing = false
    }

    // MARK: Attach

    /// Puts the redirect on the pool `spec` names: journals the original pool, its MFA factors
    /// and the sender's layers first; attaches the layer; sends UpdateUserPool with our
    /// CustomSMSSender and KMSKeyID and every other setting carried over; reads the pool back and
    /// fails, rolling back, when it differs from what was sent or its MFA factors changed.
    ///
    /// A repeated request (same `context.requestId`) is answered from the journal without changing
    /// anything again.
    ///
    /// - Throws: ``ProviderFailure`` with a reason fit for CloudFormation: what failed and what was
    ///   rolled back, journaled as `failed` (a repeated request that failed throws its journaled
    ///   reason again). The journal's own error when it cannot be read or take the `started` entry,
    ///   before anything is changed.
    public func attach(_ spec: AttachmentSpec, context: ChangeContext) async throws -> AttachResult {
        let attachmentId = spec.attachmentId
        // One read of the journal (an S3 GET in Lambda) for everything the attach needs from it.
        let (previous, activeOnPool) = try await journal.read { database in
            (try database.entries(requestId: context.requestId).filter { $0.action == .attach }, try database.activeAttaches(poolId: spec.userPoolId))
        }
        if let done = previous.last(where: { $0.status == .succeeded }) {
            return AttachResult(
                attachmentId: done.attachmentId, layerVersionArn: done.layerVersionArn, replayed: true,
                replacedSender: Self.replacedSender(in: done.originalPool, by: done.senderArn ?? spec.senderFunctionArn))
        }
        if let failed = previous.last(where: { $0.status == .failed }) {
            throw ProviderFailure(failed.detail ?? "the attach failed", physicalResourceId: attachmentId)
        }

        // What the pool and the function look like before anything changes. A retried delivery
        // whose first try crashed takes the original it journaled then; an Update on the same
        // pool inherits the original of the attach it replaces, and a re-attach of the attachment
        // in force (an Update that changed only what its id leaves out, such as the sender's
        // configuration) keeps the original journaled by the attach it repeats: the pool as
        // described now already carries our trigger.
        let described = try await failing(attachmentId) { try await cognito.describeUserPool(id: spec.userPoolId) }
        try spec.refuseUndeclaredSMSRole(described: described, attachmentId: attachmentId)
        let mfaBefore = try await failing(attachmentId) { try await cognito.getUserPoolMfaConfig(id: spec.userPoolId) }
        let function = try await failing(attachmentId) { try await lambda.getFunctionConfiguration(functionName: spec.senderFunctionArn) }
        try spec.refuseKeyTheSenderCannotUse(function: function, region: region, attachmentId: attachmentId)
        let replaced = activeOnPool.last { $0.attachmentId != attachmentId }
        let repeated = activeOnPool.last { $0.attachmentId == attachmentId }
        var originalPool = previous.first?.originalPool ?? repeated?.originalPool ?? replaced?.originalPool ?? described
        var originalLayers = previous.first?.originalLayers ?? repeated?.originalLayers ?? function.layers
        // A journal from before the MFA column has no factors for an attachment: the factors now stand in.
        var originalMfaConfig = previous.first?.originalMfaConfig ?? repeated?.originalMfaConfig ?? replaced?.originalMfaConfig ?? mfaBefore
        if let replaced, previous.isEmpty, repeated == nil {
            originalPool = replaced.originalPool ?? described
            originalMfaConfig = replaced.originalMfaConfig ?? mfaBefore
            originalLayers = replaced.senderArn == spec.senderFunctionArn ? (replaced.originalLayers ?? function.layers) : function.layers
        }

        var entry = JournalEntry(
            attachmentId: attachmentId, requestId: context.requestId, action: .attach, status: .started, poolId: spec.userPoolId,
            region: region, account: context.account, stackId: context.stackId, logicalId: context.logicalId,
            senderArn: spec.senderFunctionArn, kmsKeyArn: spec.kmsKeyArn, originalPool: originalPool,
            originalMfaConfig: originalMfaConfig, originalLayers: originalLayers)
        // The layer about to go on is journaled with the start, so that an attach cut off
        // mid-change can be undone by the Delete that follows.
        if case let .existing(arn) = spec.layer { entry.layerVersionArn = arn }
        if previous.isEmpty { entry = try await journal.append(entry) }

        var published: LambdaClient.LayerVersion?
        var layersChanged = false
        var poolChanged = false
        do {
            let request = try LambdaConfigEditor.attachRequest(described: described, original: originalPool, attachment: attachment(spec))
            var layerArn: String?
            switch spec.layer {
            case let .existing(arn): layerArn = arn
            case let .publish(name, bucket, key):
                published = try await lambda.publishLayer(
                    name: name, content: .s3(bucket: bucket, key: key),
                    description: "AWS Encryption SDK for the CognitoSMSRedirect sender")
                layerArn = published?.layerVersionArn
                var publishing = entry.next(.started, detail: "published layer version \(layerArn ?? "")")
                publishing.layerVersionArn = layerArn
                publishing.publishedLayer = true
                _ = try await journal.append(publishing)
            case .none: layerArn = nil
            }
            if let layerArn {
                let layers = Self.layers(current: function.layers, original: originalLayers, replacing: replaced?.layerVersionArn, adding: layerArn)
                guard layers.count <= Self.maxLayers else {
                    throw ProviderFailure(
                        "the sender \(spec.senderFunctionName) would have \(layers.count) layers; Lambda allows \(Self.maxLayers). Remove one of \(function.layers.joined(separator: ", ")) first."
                    )
                }
                if layers != function.layers {
                    try await lambda.setLayers(layers, functionName: spec.senderFunctionArn)
                    layersChanged = true
                }
            }
            // Someone else's change since the describe would be overwritten by a request built
            // from it: look once more, as late as can be, and leave their change alone.
            let changedMeanwhile = PoolDiff.poolDifferences(from: described, to: try await cognito.describeUserPool(id: spec.userPoolId))
            guard changedMeanwhile.isEmpty else {
                throw ProviderFailure(
                    "the pool changed while the attach was under way (\(Self.describe(changedMeanwhile, verb: "was"))): run it again once the other change is done"
                )
            }
            try await updateUserPool(request)
            poolChanged = true
            let differences = try await verify(poolId: spec.userPoolId, holds: request)
            guard differences.isEmpty else {
                throw ProviderFailure(
                    "the pool did not come out as sent: \(Self.describe(differences)). Someone may have changed it meanwhile, or Cognito changed a setting it was sent"
                )
            }
            let mfaDifferences = try await verifyMfa(poolId: spec.userPoolId, holds: mfaBefore)
            guard mfaDifferences.isEmpty else {
                throw ProviderFailure(
                    "the pool's MFA factors changed with the update: \(Self.describe(mfaDifferences, verb: "was")). Check them with `aws cognito-idp get-user-pool-mfa-config`"
                )
            }
            let replacedSender = Self.replacedSender(in: originalPool, by: spec.senderFunctionArn)
            let replacedEmailSender = spec.redirectEmail ? Self.replacedSender(in: originalPool, by: spec.senderFunctionArn, trigger: .email) : nil
            let details = [
                replaced.map { "replaces attachment \($0.attachmentId)" },
                replacedSender.map { "replaces the pool's own CustomSMSSender \($0) until the detach puts it back" },
                replacedEmailSender.map { "replaces the pool's own CustomEmailSender \($0) until the detach puts it back" },
            ].compactMap { $0 }
            var succeeded = entry.next(.succeeded, detail: details.isEmpty ? nil : details.joined(separator: "; "), appliedRequest: request)
            succeeded.layerVersionArn = layerArn
            succeeded.publishedLayer = published != nil
            _ = try await journal.append(succeeded)
            logger.info("attached", metadata: ["attachmentId": "\(attachmentId)", "userPoolId": "\(spec.userPoolId)"])
            if let replacedSender {
                logger.warning(
                    "the pool's own CustomSMSSender is replaced until the detach",
                    metadata: ["replacedSender": "\(replacedSender)", "userPoolId": "\(spec.userPoolId)"])
            }
            return AttachResult(attachmentId: attachmentId, layerVersionArn: layerArn, replayed: false, replacedSender: replacedSender)
        } catch {
            let reason = (error as? ProviderFailure)?.reason ?? "\(error)"
            var undone: [String] = []
            if poolChanged {
                undone.append(await rollBack(poolId: spec.userPoolId, to: described, mfa: mfaBefore))
            }
            if layersChanged {
                do {
                    try await lambda.setLayers(function.layers, functionName: spec.senderFunctionArn)
                    undone.append("the sender's layers restored")
                } catch { undone.append("restoring the sender's layers ALSO FAILED (\(error)): they are \(function.layers) originally") }
            }
            if let published {
                do {
                    try await lambda.deleteLayerVersion(layerName: Self.layerName(of: published), version: published.version)
                    undone.append("layer version \(published.layerVersionArn) deleted")
                } catch { undone.append("deleting layer version \(published.layerVersionArn) ALSO FAILED (\(error))") }
            }
            let detail = reason + (undone.isEmpty ? "; nothing had been changed" : "; rolled back: " + undone.joined(separator: ", "))
            var failed = entry.next(.failed, detail: detail)
            failed.layerVersionArn = published?.layerVersionArn
            failed.publishedLayer = published != nil
            _ = try? await journal.append(failed)
            throw ProviderFailure(detail, physicalResourceId: attachmentId, underlying: Self.cause(of: error))
        }
    }

    // MARK: Detach

    /// Takes the attachment off: puts back the CustomSMSSender and KMSKeyID the journal recorded
    /// (leaving alone what someone else changed since, and saying so), takes the layer off, and
    /// checks the pool and its MFA factors afterwards. An attach cut off mid-change is undone from
    /// its journaled start; a Delete with nothing in force is journaled as skipped. Never fails
    /// for a model gap or a missing pool: only a change Cognito or Lambda refuses fails it.
    ///
    /// A `started` detach entry is journaled, durably, before anything is changed, then `succeeded`
    /// with its notes (what was left alone, what did not read back as sent) or `failed` with the reason.
    /// A repeated request (same `context.requestId`) is answered from the journal.
    ///
    /// - Throws: ``ProviderFailure`` with the reason Cognito or Lambda refused a change, journaled as
    ///   `failed`; the journal's own error when it cannot be read or take the `started` entry.
    public func detach(attachmentId: String, context: ChangeContext) async throws -> DetachResult {
        // One read of the journal for everything the detach needs from it: the started entry it
        // appends below changes none of these answers.
        let poolId = AttachmentID(rawValue: attachmentId)?.poolId ?? attachmentId
        let (previous, active, activeOnPool, interrupted) = try await journal.read { database in
            (
                try database.entries(requestId: context.requestId).filter { $0.action == .detach }, try database.activeAttach(attachmentId: attachmentId),
                try database.activeAttaches(poolId: poolId), try database.interruptedAttach(attachmentId: attachmentId)
            )
        }
        if let done = previous.last(where: { $0.status == .succeeded || $0.status == .skipped }) {
            // The notes as the first answer joined them (an empty detail is no note at all).
            let notes = done.detail.flatMap { $0.isEmpty ? nil : [$0] } ?? []
            return DetachResult(attachmentId: attachmentId, drift: notes, skipped: done.status == .skipped ? done.detail : nil, replayed: true)
        }
        if active == nil, let interrupted {
            return try await undoInterrupted(interrupted, context: context, othersOnPool: activeOnPool)
        }
        guard let active else {
            // A Delete after a failed Create, or a second Delete: nothing of ours is in place.
            let reason = "no successful attach of \(attachmentId) is in force: nothing to undo"
            _ = try await journal.append(
                JournalEntry(
                    attachmentId: attachmentId, requestId: context.requestId, action: .detach, status: .skipped,
                    poolId: poolId, region: region, account: context.account, stackId: context.stackId,
                    logicalId: context.logicalId, detail: reason))
            return DetachResult(attachmentId: attachmentId, drift: [], skipped: reason, replayed: false)
        }
        let entry = try await journal.append(Self.detachStart(undoing: active, context: context))

        do {
            // A newer attachment (CloudFormation's replacement, whose Delete of the old one comes
            // after the Create) owns the pool now. An older one still in force (the rollback of a
            // failed update deletes the replacement) gets the pool back as it attached it.
            let others = activeOnPool.filter { $0.attachmentId != attachmentId }
            let newer = others.last { ($0.id ?? 0) > (active.id ?? 0) }
            let older = others.last { ($0.id ?? 0) < (active.id ?? 0) }
            var notes: [String] = []
            var poolMissing = false
            var appliedRequest: JSONValue?
            if let newer {
                notes.append("superseded by attachment \(newer.attachmentId): the pool is left to it")
            } else if let older {
                notes.append("handed back to attachment \(older.attachmentId), still in force")
                appliedRequest = try await restorePool(active, to: older.appliedRequest ?? older.originalPool, notes: &notes, poolMissing: &poolMissing)
            } else {
                appliedRequest = try await restorePool(active, to: active.originalPool, notes: &notes, poolMissing: &poolMissing)
            }
            // Our layer stays while another attachment in force uses it on the same sender.
            let layerStillUsed = others.contains { $0.senderArn == active.senderArn && $0.layerVersionArn == active.layerVersionArn }
            if !layerStillUsed { try await restoreLayers(active, notes: &notes) }
            if newer == nil, let older, let layer = older.layerVersionArn, let sender = older.senderArn {
                try await restoreLayer(layer, of: older, on: sender, notes: &notes)
            }
            var done = entry.next(.succeeded, detail: notes.isEmpty ? nil : notes.joined(separator: "; "), appliedRequest: appliedRequest)
            done.appliedRequest = appliedRequest
            _ = try await journal.append(done)
            for note in notes { logger.warning("left as it is", metadata: ["attachmentId": "\(attachmentId)", "note": "\(note)"]) }
            return DetachResult(attachmentId: attachmentId, drift: notes, skipped: nil, replayed: false, poolMissing: poolMissing)
        } catch {
            let reason = (error as? ProviderFailure)?.reason ?? "\(error)"
            _ = try? await journal.append(entry.next(.failed, detail: reason))
            throw ProviderFailure(reason, physicalResourceId: attachmentId, underlying: Self.cause(of: error))
        }
    }

    /// Undoes an attach that journaled its start and never its end (a watchdog timeout, a stopped
    /// helper): the pool is put back if the update went through, the layer taken off if it went
    /// on, a version we published deleted. An attachment in force on the pool keeps the pool.
    private func undoInterrupted(_ begun: JournalEntry, context: ChangeContext, othersOnPool: [JournalEntry]) async throws -> DetachResult {
        let entry = try await journal.append(Self.detachStart(undoing: begun, context: context))
        do {
            var notes = ["undid the attach interrupted after its start at \(JournalTime.format(begun.createdAt)) (request \(begun.requestId))"]
            var poolMissing = false
            var appliedRequest: JSONValue?
            if let sender = begun.senderArn {
                do {
                    let current = try await cognito.describeUserPool(id: begun.poolId)
                    if current.lambdaConfig.senderArn(.sms) == sender {
                        // The update went through: the pool goes back to the attachment still in
                        // force on it, if there is one, else to the journaled original.
                        let target = othersOnPool.last.map { $0.appliedRequest ?? $0.originalPool } ?? begun.originalPool
                        appliedRequest = try await restorePool(begun, to: target, current: current, notes: &notes, poolMissing: &poolMissing)
                    } else {
                        notes.append("it had not changed the pool")
                    }
                } catch let error as AWSError where error.isNotFound {
                    notes.append("the user pool \(begun.poolId) no longer exists")
                    poolMissing = true
                }
            }
            if !othersOnPool.contains(where: { $0.senderArn == begun.senderArn && $0.layerVersionArn == begun.layerVersionArn }) {
                try await restoreLayers(begun, notes: &notes, cutOff: true)
            }
            // The attach's own story ends too, under its request id: a late redelivery of that
            // Create finds it failed and changes nothing, instead of attaching again.
            _ = try await journal.append(begun.next(.failed, detail: "cut off mid-change; undone by the Delete \(context.requestId)"))
            let done = entry.next(.succeeded, detail: notes.joined(separator: "; "), appliedRequest: appliedRequest)
            _ = try await journal.append(done)
            logger.warning("undid an interrupted attach", metadata: ["attachmentId": "\(begun.attachmentId)", "startedBy": "\(begun.requestId)"])
            return DetachResult(attachmentId: begun.attachmentId, drift: notes, skipped: nil, replayed: false, poolMissing: poolMissing)
        } catch {
            let reason = (error as? ProviderFailure)?.reason ?? "\(error)"
            _ = try? await journal.append(entry.next(.failed, detail: reason))
            throw ProviderFailure(reason, physicalResourceId: begun.attachmentId, underlying: Self.cause(of: error))
        }
    }

    /// Puts back the pool's CustomSMSSender and KMSKeyID as `target` has them (the journaled
    /// original, or the attach of an older attachment); returns the request sent. A pool that
    /// does not come out as sent is reported in `notes`.
    private func restorePool(
        _ active: JournalEntry, to target: JSONValue?, current described: JSONValue? = nil,
        notes: inout [String], poolMissing: inout Bool
    ) async throws -> JSONValue? {
        let current: JSONValue
        do {
            if let described { current = described } else { current = try await cognito.describeUserPool(id: active.poolId) }
        } catch let error as AWSError where error.isNotFound {
            notes.append("the user pool \(active.poolId) no longer exists")
            poolMissing = true
            return nil
        }
        guard let original = target, let sender = active.senderArn, let key = active.kmsKeyArn else {
            throw ProviderFailure("the journal's attach entry \(active.id ?? 0) lacks the original pool; restore by hand from `smsredirect journal show`")
        }
        // Whether the attach redirected email is in the request it journaled (an attach cut off
        // before it has none: a CustomEmailSender pointing at the sender is put back all the same).
        let redirectedEmail = active.appliedRequest.lambdaConfig.senderArn(.email) == sender
        let plan = try LambdaConfigEditor.restorePlan(
            current: current, original: original,
            attachment: SMSSenderAttachment(lambdaArn: sender, kmsKeyArn: key, redirectsEmail: redirectedEmail))
        notes += plan.drift
        guard let request = plan.request else { return nil }
        do {
            try await updateUserPool(request)
        } catch {
            let unknown = UpdateUserPoolRequest.unknownMembers(in: current)
            guard !unknown.isEmpty else { throw error }
            throw ProviderFailure(
                "\(error). The restore carried, verbatim, members this tool's Cognito model (botocore \(CognitoPoolModel.botocoreVersion)) does not know: \(unknown.joined(separator: ", ")). Update the model (`make pool-model`) and delete again, or put LambdaConfig back by hand from `smsredirect journal show`",
                underlying: error)
        }
        let differences = try await verify(poolId: active.poolId, holds: request)
        if !differences.isEmpty {
            notes.append("after the restore the pool differs from what was sent: \(Self.describe(differences)); check it with `smsredirect journal diff`")
        }
        // The factors are checked against the journaled original; a check that cannot be made
        // (an older journal without them, a role without the permission) is a note, never a
        // failed Delete.
        if let mfa = active.originalMfaConfig {
            do {
                let mfaDifferences = try await verifyMfa(poolId: active.poolId, holds: mfa)
                if !mfaDifferences.isEmpty {
                    notes.append("after the restore the pool's MFA factors differ from the original: \(Self.describe(mfaDifferences, verb: "was"))")
                }
            } catch {
                notes.append("the MFA factors could not be checked after the restore (\(error))")
            }
        }
        return request
    }

    /// Makes sure the older attachment the pool is handed back to has its layer on its sender
    /// (a replacement on the same sender took it off).
    private func restoreLayer(_ layer: String, of older: JournalEntry, on sender: String, notes: inout [String]) async throws {
        let function = try await lambda.getFunctionConfiguration(functionName: sender)
        guard !function.layers.contains(layer) else { return }
        let layers = function.layers + [layer]
        guard layers.count <= Self.maxLayers else {
            notes.append("the layer \(layer) of attachment \(older.attachmentId) could not be put back: the sender would have \(layers.count) layers")
            return
        }
        try await lambda.setLayers(layers, functionName: sender)
    }

    // MARK: Verify and roll back

    /// Describes the pool again and lists how it differs from `request`, compared as UpdateUserPool
    /// sees a pool: the members it can set. Members it cannot set (read-only, create-only) are not
    /// compared: no request of ours changes them, and none could put them back.
    func verify(poolId: String, holds request: JSONValue) async throws -> [PoolDiff.Difference] {
        let after = try await cognito.describeUserPool(id: poolId)
        return PoolDiff.differences(from: request, to: try UpdateUserPoolRequest.carryingOver(after, unknownMembers: .carryVerbatim))
    }

    /// GetUserPoolMfaConfig again, against `expected`. UpdateUserPool can set only part of it
    /// (MfaConfiguration and the SMS factor), so a factor it turned off is reported, not undone.
    func verifyMfa(poolId: String, holds expected: JSONValue) async throws -> [PoolDiff.Difference] {
        PoolDiff.differences(from: expected, to: try await cognito.getUserPoolMfaConfig(id: poolId))
    }

    /// Puts the pool back as `described` and checks it, and its MFA factors against `mfa`;
    /// returns what happened, for the reason.
    private func rollBack(poolId: String, to described: JSONValue, mfa: JSONValue) async -> String {
        do {
            let request = try UpdateUserPoolRequest.carryingOver(described)
            try await updateUserPool(request)
            let differences = try await verify(poolId: poolId, holds: request) + verifyMfa(poolId: poolId, holds: mfa)
            if differences.isEmpty { return "the pool restored as it was" }
            return "the pool restored, but it ALSO differs from what it was: \(Self.describe(differences))"
        } catch {
            return "restoring the pool ALSO FAILED (\(error)): restore it by hand from `smsredirect journal show`"
        }
    }

    /// UpdateUserPool, retried while Cognito refuses it because another update of the pool is in progress.
    private func updateUserPool(_ request: JSONValue) async throws {
        var waits = concurrentUpdateBackoff[...]
        while true {
            do {
                return try await cognito.updateUserPool(request)
            } catch let error as AWSError where error.isConcurrentModification {
                guard let wait = waits.popFirst() else { throw error }
                logger.notice("another update of the pool is in progress; retrying", metadata: ["wait": "\(wait)"])
                try await Task.sleep(for: wait)
            }
        }
    }

    /// Differences in a few words each, values cut short: the reason must fit CloudFormation's response.
    static func describe(_ differences: [PoolDiff.Difference], verb: String = "sent", limit: Int = 8) -> String {
        func text(_ value: JSONValue?) -> String {
            guard let value else { return "absent" }
            let json = value.jsonString
            return json.count > 80 ? String(json.prefix(77)) + "..." : json
        }
        var parts = differences.prefix(limit).map { "\($0.path) \(verb) \(text($0.before)), now \(text($0.after))" }
        if differences.count > limit { parts.append("and \(differences.count - limit) more") }
        return parts.joined(separator: "; ")
    }

    /// Takes our layer off the sender (keeping any other change) and deletes a version we published.
    /// For an attach cut off mid-change (`cutOff`), a layer that is not there was never put on, and
    /// one the sender had before the attach stays: neither is worth a note.
    private func restoreLayers(_ active: JournalEntry, notes: inout [String], cutOff: Bool = false) async throws {
        guard let layerArn = active.layerVersionArn, let sender = active.senderArn else { return }
        do {
            let function = try await lambda.getFunctionConfiguration(functionName: sender)
            if function.layers.contains(layerArn), !(cutOff && (active.originalLayers ?? []).contains(layerArn)) {
                try await lambda.setLayers(function.layers.filter { $0 != layerArn }, functionName: sender)
            } else if !cutOff {
                notes.append("the sender no longer has layer \(layerArn)")
            }
        } catch let error as AWSError where error.isNotFound {
            notes.append("the sender \(sender) no longer exists")
        }
        if active.publishedLayer, let published = ARN(layerArn)?.lambdaLayerVersion {
            do {
                try await lambda.deleteLayerVersion(layerName: published.name, version: published.version)
            } catch let error as AWSError where error.isNotFound {
                if !cutOff { notes.append("layer version \(layerArn) was already deleted") }
            }
        }
    }

    /// The `started` row of a detach that undoes `attach`: its pool, sender and originals, under
    /// this request.
    static func detachStart(undoing attach: JournalEntry, context: ChangeContext) -> JournalEntry {
        var entry = attach.next(.started, detail: "")
        entry.action = .detach
        entry.requestId = context.requestId
        entry.stackId = context.stackId ?? attach.stackId
        entry.appliedRequest = nil
        return entry
    }

    // MARK: Helpers

    /// The CustomSMSSender (or `trigger`) of a journaled original, unless it is the one being attached.
    static func replacedSender(in original: JSONValue?, by sender: String, trigger: CustomSenderTrigger = .sms) -> String? {
        guard let previous = original.lambdaConfig.senderArn(trigger), previous != sender else { return nil }
        return previous
    }

    func attachment(_ spec: AttachmentSpec) -> SMSSenderAttachment {
        SMSSenderAttachment(lambdaArn: spec.senderFunctionArn, kmsKeyArn: spec.kmsKeyArn, redirectsEmail: spec.redirectEmail)
    }

    /// The function's layers with ours: the current ones (keeping others' changes), less the layer
    /// of an attachment being replaced, plus ours, once.
    static func layers(current: [String], original: [String], replacing: String?, adding: String) -> [String] {
        var layers = current.filter { $0 != replacing || original.contains($0) }
        if !layers.contains(adding) { layers.append(adding) }
        return layers
    }

    static func layerName(of version: LambdaClient.LayerVersion) -> String { layerName(ofArn: version.layerVersionArn) }

    /// `arn:aws:lambda:region:account:layer:NAME:VERSION` → NAME.
    static func layerName(ofArn arn: String) -> String {
        ARN(arn)?.lambdaLayerVersion?.name ?? arn
    }

    /// Runs a read before anything changed; its failure is journaled nowhere (nothing to undo)
    /// but named in the reason.
    private func failing<T>(_ attachmentId: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw ProviderFailure("\(error); nothing was changed", physicalResourceId: attachmentId, underlying: error)
        }
    }

    /// The error at the root of a failure: a ProviderFailure's own cause, or the error itself.
    static func cause(of error: any Error) -> (any Error)? {
        guard let failure = error as? ProviderFailure else { return error }
        return failure.underlying
    }
}
