import AWSCore
import PoolConfig
import PoolJournal

extension Attacher {
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
    /// - Throws: ``DetachError`` when Cognito or Lambda refused a change, journaled as `failed`;
    ///   the journal's own error when it cannot be read or take the `started` entry.
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
            let notes = done.detail.flatMap { $0.isEmpty ? nil : [DetachNote.recorded($0)] } ?? []
            let skipped = done.status == .skipped ? DetachSkip.recorded(done.detail ?? "") : nil
            return DetachResult(attachmentId: attachmentId, notes: notes, skipped: skipped, replayed: true)
        }
        if active == nil, let interrupted {
            return try await undoInterrupted(interrupted, context: context, othersOnPool: activeOnPool)
        }
        guard let active else {
            // A Delete after a failed Create, or a second Delete: nothing of ours is in place.
            let skip = DetachSkip.nothingInForce(attachmentId: attachmentId)
            _ = try await journal.append(
                JournalEntry(
                    attachmentId: attachmentId, requestId: context.requestId, action: .detach, status: .skipped,
                    poolId: poolId, region: region, account: context.account, stackId: context.stackId,
                    logicalId: context.logicalId, detail: skip.description))
            return DetachResult(attachmentId: attachmentId, notes: [], skipped: skip, replayed: false)
        }
        let entry = try await journal.append(Self.detachStart(undoing: active, context: context))
        return try await finishing(entry, attachmentId: attachmentId) {
            try await handBack(active, others: activeOnPool.filter { $0.attachmentId != attachmentId })
        }
    }

    /// Puts the pool back as the attachment found it, or hands it to the attachment that owns it
    /// now. A newer attachment (CloudFormation's replacement, whose Delete of the old one comes
    /// after the Create) owns the pool: it is left to it. An older one still in force (the rollback
    /// of a failed update deletes the replacement) gets the pool back as it attached it.
    private func handBack(_ active: JournalEntry, others: [JournalEntry]) async throws -> Restore {
        let newer = others.last { ($0.id ?? 0) > (active.id ?? 0) }
        let older = others.last { ($0.id ?? 0) < (active.id ?? 0) }
        var restore: Restore
        if let newer {
            restore = Restore(notes: [.supersededBy(attachmentId: newer.attachmentId)])
        } else if let older {
            restore = try await restorePool(active, to: older.appliedRequest ?? older.originalPool)
            restore.notes.insert(.handedBackTo(attachmentId: older.attachmentId), at: 0)
        } else {
            restore = try await restorePool(active, to: active.originalPool)
        }
        // Our layer stays while another attachment in force uses it on the same sender.
        let layerStillUsed = others.contains { $0.senderArn == active.senderArn && $0.layerVersionArn == active.layerVersionArn }
        if !layerStillUsed { restore.notes += try await restoreLayers(active) }
        if newer == nil, let older, let layer = older.layerVersionArn, let sender = older.senderArn {
            restore.notes += try await restoreLayer(layer, of: older, on: sender)
        }
        return restore
    }

    /// Undoes an attach that journaled its start and never its end (a watchdog timeout, a stopped
    /// helper): the pool is put back if the update went through, the layer taken off if it went
    /// on, a version we published deleted. An attachment in force on the pool keeps the pool.
    private func undoInterrupted(_ begun: JournalEntry, context: ChangeContext, othersOnPool: [JournalEntry]) async throws -> DetachResult {
        let entry = try await journal.append(Self.detachStart(undoing: begun, context: context))
        let result = try await finishing(entry, attachmentId: begun.attachmentId) {
            var restore = Restore(notes: [.undidInterruptedAttach(startedAt: begun.createdAt, requestId: begun.requestId)])
            if let sender = begun.senderArn {
                let undone = try await restorePoolIfChanged(by: begun, sender: sender, othersOnPool: othersOnPool)
                restore.request = undone.request
                restore.notes += undone.notes
            }
            if !othersOnPool.contains(where: { $0.senderArn == begun.senderArn && $0.layerVersionArn == begun.layerVersionArn }) {
                restore.notes += try await restoreLayers(begun, cutOff: true)
            }
            // The attach's own story ends too, under its request id: a late redelivery of that
            // Create finds it failed and changes nothing, instead of attaching again.
            _ = try await journal.append(begun.next(.failed, detail: "cut off mid-change; undone by the Delete \(context.requestId)"))
            return restore
        }
        logger.warning("undid an interrupted attach", metadata: ["attachmentId": "\(begun.attachmentId)", "startedBy": "\(begun.requestId)"])
        return result
    }

    /// For an interrupted attach: the pool goes back only if the update went through, to the
    /// attachment still in force on it, if there is one, else to the journaled original.
    private func restorePoolIfChanged(by begun: JournalEntry, sender: String, othersOnPool: [JournalEntry]) async throws -> Restore {
        do {
            let current = try await cognito.describeUserPool(id: begun.poolId)
            guard current.lambdaConfig.senderArn(.sms) == sender else { return Restore(notes: [.interruptedAttachLeftPoolAlone]) }
            let target = othersOnPool.last.map { $0.appliedRequest ?? $0.originalPool } ?? begun.originalPool
            return try await restorePool(begun, to: target, current: current)
        } catch let error as AWSError where error.isNotFound {
            return Restore(notes: [.poolMissing(poolId: begun.poolId)])
        }
    }

    /// Runs a detach's work after its `started` entry, and journals how it ended: `succeeded` with
    /// its notes, or `failed` with the reason, thrown as ``DetachError``.
    private func finishing(_ entry: JournalEntry, attachmentId: String, _ work: () async throws -> Restore) async throws -> DetachResult {
        do {
            let restore = try await work()
            let detail = restore.notes.isEmpty ? nil : restore.notes.map(\.description).joined(separator: "; ")
            _ = try await journal.append(entry.next(.succeeded, detail: detail, appliedRequest: restore.request))
            for note in restore.notes { logger.warning("left as it is", metadata: ["attachmentId": "\(attachmentId)", "note": "\(note)"]) }
            return DetachResult(attachmentId: attachmentId, notes: restore.notes, skipped: nil, replayed: false)
        } catch {
            let failure = DetachError((error as? DetachError)?.failure ?? .callFailed(error), attachmentId: attachmentId)
            _ = try? await journal.append(entry.next(.failed, detail: failure.reason))
            throw failure
        }
    }

    /// What a restore sent (nil: nothing) and what it noted.
    struct Restore {
        var request: JSONValue? = nil
        var notes: [DetachNote] = []
    }

    /// Puts back the pool's CustomSMSSender and KMSKeyID as `target` has them (the journaled
    /// original, or the attach of an older attachment). A pool that does not come out as sent is noted.
    private func restorePool(_ active: JournalEntry, to target: JSONValue?, current described: JSONValue? = nil) async throws -> Restore {
        let current: JSONValue
        do {
            if let described { current = described } else { current = try await cognito.describeUserPool(id: active.poolId) }
        } catch let error as AWSError where error.isNotFound {
            return Restore(notes: [.poolMissing(poolId: active.poolId)])
        }
        guard let original = target, let sender = active.senderArn, let key = active.kmsKeyArn else {
            throw DetachError(.originalNotJournaled(entryId: active.id ?? 0), attachmentId: active.attachmentId)
        }
        // An attach cut off before its request has none: a CustomEmailSender pointing at the
        // sender is put back all the same.
        let plan = try LambdaConfigEditor.restorePlan(
            current: current, original: original,
            attachment: SMSSenderAttachment(lambdaArn: sender, kmsKeyArn: key, redirectsEmail: active.redirectedEmail))
        var restore = Restore(request: plan.request, notes: plan.drift.map { .leftAlone($0) })
        guard let request = plan.request else { return restore }
        do {
            try await updateUserPool(request)
        } catch {
            let unknown = UpdateUserPoolRequest.unknownMembers(in: current)
            guard !unknown.isEmpty else { throw error }
            throw DetachError(.unknownMembersRefused(members: unknown, underlying: error), attachmentId: active.attachmentId)
        }
        let differences = try await verify(poolId: active.poolId, holds: request)
        if !differences.isEmpty { restore.notes.append(.restoreDiffers(differences)) }
        if let mfa = active.originalMfaConfig { restore.notes += await checkMfa(poolId: active.poolId, against: mfa) }
        return restore
    }

    /// The factors against the journaled original; a check that cannot be made (a role without
    /// the permission) is a note, never a failed Delete.
    private func checkMfa(poolId: String, against original: JSONValue) async -> [DetachNote] {
        do {
            let differences = try await verifyMfa(poolId: poolId, holds: original)
            return differences.isEmpty ? [] : [.mfaDiffers(differences)]
        } catch {
            return [.mfaUnchecked(error: "\(error)")]
        }
    }

    /// Makes sure the older attachment the pool is handed back to has its layer on its sender
    /// (a replacement on the same sender took it off).
    private func restoreLayer(_ layer: String, of older: JournalEntry, on sender: String) async throws -> [DetachNote] {
        let function = try await lambda.getFunctionConfiguration(functionName: sender)
        guard !function.layers.contains(layer) else { return [] }
        let layers = function.layers + [layer]
        guard layers.count <= Self.maxLayers else {
            return [.olderLayerNotRestored(layer: layer, attachmentId: older.attachmentId, layerCount: layers.count)]
        }
        try await lambda.setLayers(layers, functionName: sender)
        return []
    }

    /// Takes our layer off the sender (keeping any other change) and deletes a version we published.
    /// For an attach cut off mid-change (`cutOff`), a layer that is not there was never put on, and
    /// one the sender had before the attach stays: neither is worth a note.
    private func restoreLayers(_ active: JournalEntry, cutOff: Bool = false) async throws -> [DetachNote] {
        guard let layerArn = active.layerVersionArn, let sender = active.senderArn else { return [] }
        var notes: [DetachNote] = []
        do {
            let function = try await lambda.getFunctionConfiguration(functionName: sender)
            if function.layers.contains(layerArn), !(cutOff && (active.originalLayers ?? []).contains(layerArn)) {
                try await lambda.setLayers(function.layers.filter { $0 != layerArn }, functionName: sender)
            } else if !cutOff {
                notes.append(.layerAlreadyRemoved(layerArn))
            }
        } catch let error as AWSError where error.isNotFound {
            notes.append(.senderMissing(sender))
        }
        if active.publishedLayer, let published = ARN(layerArn)?.lambdaLayerVersion {
            do {
                try await lambda.deleteLayerVersion(layerName: published.name, version: published.version)
            } catch let error as AWSError where error.isNotFound {
                if !cutOff { notes.append(.layerVersionAlreadyDeleted(layerArn)) }
            }
        }
        return notes
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
}
