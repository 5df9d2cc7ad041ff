import AWSCore
import Logging
import PoolConfig
import PoolJournal

/// Keeps the redirect on a pool whose own deployments (CDK, Terraform, Amplify, Serverless) send
/// UpdateUserPool with a `LambdaConfig` of their own: on each watch event it reads the pool, and
/// when CustomSMSSender (and CustomEmailSender, when redirected) or `KMSKeyID` no longer point at
/// the stack's sender and key, it says so on the topic, once, and with `keepRedirect` puts the
/// redirect back first, through the same journal-first, self-verified attach as the stack's own.
///
/// The re-attach repeats the attachment in force, so it journals no new original: the stack's
/// Delete still restores the pool as it was before the first attach. Every other member stays as
/// the other deployment set it.
public struct RedirectReconciler: Sendable {
    /// Attaches again, and holds the journal and the pool's Cognito client.
    public let attacher: Attacher
    /// Where notices go: the stack's topic.
    public let notices: any NoticePublisher
    /// The pool the stack redirects (the helper's `USER_POOL_ID`).
    public let userPoolId: String
    /// Put the redirect back (`KeepRedirect`), or only say it is gone.
    public let keepRedirect: Bool

    /// The helper's own role (`HELPER_ROLE_ARN`): CloudTrail's records of its own UpdateUserPool
    /// (an attach, a rollback, a restore) are not another deployment's, and are not looked into.
    public let ownRoleArn: String?

    /// A reconciler for `userPoolId`.
    public init(attacher: Attacher, notices: any NoticePublisher, userPoolId: String, keepRedirect: Bool, ownRoleArn: String? = nil) {
        self.attacher = attacher
        self.notices = notices
        self.userPoolId = userPoolId
        self.keepRedirect = keepRedirect
        self.ownRoleArn = ownRoleArn
    }

    /// What a watch event came to.
    public enum Outcome: Sendable, Equatable {
        /// The CloudTrail record names another pool (or another call): nothing to check.
        case notThisPool
        /// The CloudTrail record is of the helper's own call: nothing to check (and no loop).
        case ownChange
        /// No attach is in force (before the stack's Create finished, or after its Delete), or its
        /// detach is under way.
        case nothingInForce
        /// The pool still points at the sender and the key.
        case intact
        /// The redirect is gone and this state of the pool was reported before (without
        /// `keepRedirect`, or after a re-attach that failed): no second notice, no second try.
        case alreadyReported
        /// A notice was published; `notice.action` says what was done.
        case noticed(RedirectNotice)
    }

    /// Checks the pool once, for `event`.
    ///
    /// A notice is journaled `started` before it is published and `succeeded` after, so a notice
    /// whose publish failed is published by the next event (a publish that fails again is logged
    /// and does not stop the check). A redelivered event finds the pool put back and sends
    /// nothing twice; a re-attach that failed is reported once, not retried on every event that
    /// its own rollback causes.
    /// - Throws: the journal's, Cognito's or SNS's error; a failed re-attach is a notice, not an error.
    public func reconcile(_ event: RedirectWatchEvent, logger: Logger) async throws -> Outcome {
        if case let .cloudTrail(eventName, pool, _, callerRole, _) = event.source {
            if eventName != "UpdateUserPool" || (pool != nil && pool != userPoolId) { return .notThisPool }
            if let ownRoleArn, callerRole == ownRoleArn { return .ownChange }
        }
        let journal = attacher.journal
        // One read of the journal (an S3 GET in Lambda) for all the check needs from it.
        let poolId = userPoolId
        let (found, detaching, noticeRows) = try await journal.read { database -> (JournalEntry?, Bool, [JournalEntry]) in
            guard let active = try database.activeAttach(poolId: poolId) else { return (nil, false, []) }
            return (active, try database.detachUnderway(attachmentId: active.attachmentId), try database.notices(attachmentId: active.attachmentId))
        }
        guard let active = found, !detaching else { return .nothingInForce }
        await publishPending(noticeRows, logger: logger)
        let pool = try await attacher.cognito.describeUserPool(id: userPoolId)
        let removed = Self.removed(from: pool, by: active)
        guard !removed.isEmpty else { return .intact }
        if Self.alreadyReported(pool, lastNotice: noticeRows.last, since: active, keepRedirect: keepRedirect) { return .alreadyReported }

        var notice = RedirectNotice(userPoolId: userPoolId, removed: removed, event: event, action: keepRedirect ? .reattached : .reported)
        if keepRedirect {
            let context = ChangeContext(requestId: "watch-\(event.id)", stackId: active.stackId, logicalId: active.logicalId, account: active.account)
            do {
                _ = try await attacher.attach(try Self.spec(repeating: active), context: context, onlyRepeating: true)
            } catch let error as AttachError {
                if case .notInForce = error.failure { return .nothingInForce }
                notice.action = .reattachFailed
                notice.failure = error.reason
            } catch {
                notice.action = .reattachFailed
                notice.failure = "\(error)"
            }
        }
        let entry = try await journal.append(
            JournalEntry(
                attachmentId: active.attachmentId, requestId: "watch-\(event.id)", action: .notice, status: .started, poolId: userPoolId,
                region: attacher.region, account: active.account, stackId: active.stackId, logicalId: active.logicalId, senderArn: active.senderArn,
                kmsKeyArn: active.kmsKeyArn, originalPool: pool, detail: try notice.json()))
        try await publish(entry)
        logger.warning(
            "the redirect was removed from the pool",
            metadata: ["userPoolId": "\(userPoolId)", "action": "\(notice.action.rawValue)", "changedBy": "\(notice.changedBy ?? "-")"])
        return .noticed(notice)
    }

    /// Publishes, oldest first, the notices among `rows` (the attachment's) that were journaled and
    /// never published; one that fails again is logged, and the check goes on (the next one tries again).
    private func publishPending(_ rows: [JournalEntry], logger: Logger) async {
        let published = Set(rows.filter { $0.status == .succeeded }.map(\.requestId))
        for pending in rows where pending.status == .started && !published.contains(pending.requestId) {
            do {
                try await publish(pending)
            } catch {
                logger.error("a journaled notice could not be published; the next check tries again", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Publishes the notice a `started` row keeps, and journals it `succeeded`.
    private func publish(_ started: JournalEntry) async throws {
        guard let notice = started.detail.flatMap(RedirectNotice.decoded) else { return }
        try await notices.publish(notice)
        _ = try await attacher.journal.append(started.next(.succeeded))
    }

    /// Whether the newest notice about the attachment, since the attach in force, was about the
    /// pool as it is now and left it so: a report (the schedule finds an unrepaired pool every
    /// time, and says so once), or a re-attach that failed (its rollback's own UpdateUserPool
    /// would otherwise start the next try, and the next notice, for ever). A pending notice
    /// published meanwhile answers the same: its `succeeded` row repeats its `started` one.
    static func alreadyReported(_ pool: JSONValue, lastNotice: JournalEntry?, since active: JournalEntry, keepRedirect: Bool) -> Bool {
        guard let last = lastNotice, last.createdAt >= active.createdAt, last.originalPool.lambdaConfig == pool.lambdaConfig else { return false }
        return !keepRedirect || last.detail.flatMap(RedirectNotice.decoded)?.action == .reattachFailed
    }

    /// The members that no longer hold what the attach in force set: CustomSMSSender,
    /// CustomEmailSender when the attach redirected email, and `KMSKeyID`.
    static func removed(from pool: JSONValue, by active: JournalEntry) -> [RedirectNotice.Removed] {
        guard let sender = active.senderArn, let key = active.kmsKeyArn else { return [] }
        let config = pool.lambdaConfig
        var triggers: [CustomSenderTrigger] = [.sms]
        if active.redirectedEmail { triggers.append(.email) }
        var removed = triggers.filter { config.senderArn($0) != sender }.map {
            RedirectNotice.Removed(member: "LambdaConfig.\($0.rawValue)", was: sender, now: config.senderArn($0))
        }
        if config.kmsKeyID != key { removed.append(.init(member: "LambdaConfig.KMSKeyID", was: key, now: config.kmsKeyID)) }
        return removed
    }

    /// The spec of the attach in force, rebuilt from its journal row, under the same attachment id
    /// (so the attach repeats it and keeps its original).
    static func spec(repeating active: JournalEntry) throws -> AttachmentSpec {
        guard let sender = active.senderArn, let key = active.kmsKeyArn else {
            throw ProviderFailure("the journal's attach entry \(active.id ?? 0) names no sender or key: attach again by hand")
        }
        var spec = AttachmentSpec(
            userPoolId: active.poolId, senderFunctionArn: sender, kmsKeyArn: key, layer: active.layerVersionArn.map { .existing(arn: $0) } ?? .none)
        spec.redirectEmail = active.redirectedEmail
        guard spec.attachmentId == active.attachmentId else {
            throw ProviderFailure(
                "the attachment \(active.attachmentId) was made with a layer published by the attach itself; the watch re-attaches only attachments of an existing layer version (the templates'): attach again by hand"
            )
        }
        return spec
    }
}
