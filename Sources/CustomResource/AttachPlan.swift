import AWSCore
import AWSServices
import PoolConfig
import PoolJournal

/// What an attach will do, decided before anything changes from what was read and what the
/// journal holds: the original it journals, the attachment it replaces, the request and the
/// layers. Pure: ``Attacher`` executes it.
struct AttachPlan {
    /// The pool, its MFA factors and the sender as read before the attach.
    struct Before {
        var pool: JSONValue
        var mfa: JSONValue
        var function: LambdaClient.FunctionConfiguration
    }

    let spec: AttachmentSpec
    let before: Before
    /// Another attachment in force on the pool, which this one replaces (CloudFormation's Update).
    let replaced: JournalEntry?
    /// The pool before the first attach in force: what the detach puts back.
    let originalPool: JSONValue
    let originalMfaConfig: JSONValue
    let originalLayers: [String]

    /// The plan for `spec`, given this request's earlier entries (`previous`: a retried delivery)
    /// and the attachments in force on the pool.
    ///
    /// The original is the first journaled one that applies: a retried delivery whose first try
    /// crashed takes the original it journaled then; a re-attach of the attachment in force (an
    /// Update that changed only what its id leaves out, such as the sender's configuration) keeps
    /// the original of the attach it repeats, since the pool as described now already carries our
    /// trigger; an Update on the same pool inherits the original of the attach it replaces. The
    /// pool as described stands in only when none applies (and for the MFA factors of a journal
    /// from before they were recorded).
    init(spec: AttachmentSpec, before: Before, previous: [JournalEntry], activeOnPool: [JournalEntry]) {
        self.spec = spec
        self.before = before
        let replaced = activeOnPool.last { $0.attachmentId != spec.attachmentId }
        let repeated = activeOnPool.last { $0.attachmentId == spec.attachmentId }
        self.replaced = replaced
        let journaled = [previous.first, repeated, replaced].compactMap { $0 }
        originalPool = journaled.lazy.compactMap(\.originalPool).first ?? before.pool
        originalMfaConfig = journaled.lazy.compactMap(\.originalMfaConfig).first ?? before.mfa
        // The layers of a replaced attachment are the original only on the same sender.
        let ownEntries = [previous.first, repeated].compactMap { $0 }
        let layerSources = ownEntries.isEmpty ? [replaced].compactMap { $0 }.filter { $0.senderArn == spec.senderFunctionArn } : ownEntries
        originalLayers = layerSources.lazy.compactMap(\.originalLayers).first ?? before.function.layers
    }

    /// The `started` entry: the originals, and the layer about to go on when it is known, so that
    /// an attach cut off mid-change can be undone by the Delete that follows.
    func startEntry(context: ChangeContext, region: Region) -> JournalEntry {
        var entry = JournalEntry(
            attachmentId: spec.attachmentId, requestId: context.requestId, action: .attach, status: .started, poolId: spec.userPoolId,
            region: region, account: context.account, stackId: context.stackId, logicalId: context.logicalId,
            senderArn: spec.senderFunctionArn, kmsKeyArn: spec.kmsKeyArn, originalPool: originalPool,
            originalMfaConfig: originalMfaConfig, originalLayers: originalLayers)
        if case let .existing(arn) = spec.layer { entry.layerVersionArn = arn }
        return entry
    }

    /// The UpdateUserPool request: our senders and key, every other setting as described.
    func request() throws -> JSONValue {
        try LambdaConfigEditor.attachRequest(
            described: before.pool, original: originalPool,
            attachment: SMSSenderAttachment(lambdaArn: spec.senderFunctionArn, kmsKeyArn: spec.kmsKeyArn, redirectsEmail: spec.redirectEmail))
    }

    /// The sender's layers with `layerArn` on, in place of a replaced attachment's.
    func layers(adding layerArn: String) -> [String] {
        Attacher.layers(current: before.function.layers, original: originalLayers, replacing: replaced?.layerVersionArn, adding: layerArn)
    }

    /// The pool's own sender for `trigger` that the attach replaces until the detach; nil when it had
    /// none, when it is ours, or for email when email is not redirected.
    func replacedSender(_ trigger: CustomSenderTrigger) -> String? {
        guard trigger == .sms || spec.redirectEmail else { return nil }
        return Attacher.replacedSender(in: originalPool, by: spec.senderFunctionArn, trigger: trigger)
    }

    /// The `succeeded` entry's detail: what the attach replaces, in words; nil when nothing.
    var successDetail: String? {
        let details = [
            replaced.map { "replaces attachment \($0.attachmentId)" },
            replacedSender(.sms).map { "replaces the pool's own CustomSMSSender \($0) until the detach puts it back" },
            replacedSender(.email).map { "replaces the pool's own CustomEmailSender \($0) until the detach puts it back" },
        ].compactMap { $0 }
        return details.isEmpty ? nil : details.joined(separator: "; ")
    }
}

extension JournalEntry {
    /// Whether this attach made its sender the pool's CustomEmailSender too, as the request it
    /// journaled says (an attach cut off before its request has none: false).
    var redirectedEmail: Bool {
        guard let sender = senderArn else { return false }
        return appliedRequest.lambdaConfig.senderArn(.email) == sender
    }
}

/// What an attach has changed so far, in order, so that a failure undoes exactly that, newest first.
struct UndoLog {
    enum Change {
        case publishedLayer(LambdaClient.LayerVersion)
        case setLayers(previously: [String])
        case updatedPool(previously: JSONValue, mfa: JSONValue)
    }

    private(set) var changes: [Change] = []

    mutating func record(_ change: Change) { changes.append(change) }

    /// The layer version the attach published, if it got that far.
    var publishedLayer: LambdaClient.LayerVersion? {
        for case let .publishedLayer(version) in changes { return version }
        return nil
    }

    /// Undoes each change, newest first, and says how each went; never throws: a step that fails
    /// is told, and the next is still tried.
    func undo(with attacher: Attacher, poolId: String, sender: String) async -> [RollbackStep] {
        var steps: [RollbackStep] = []
        for change in changes.reversed() {
            switch change {
            case let .updatedPool(previously, mfa):
                steps.append(await attacher.rollBack(poolId: poolId, to: previously, mfa: mfa))
            case let .setLayers(previously):
                do {
                    try await attacher.lambda.setLayers(previously, functionName: sender)
                    steps.append(.layersRestored)
                } catch { steps.append(.layersRestoreFailed(error, original: previously)) }
            case let .publishedLayer(version):
                do {
                    try await attacher.lambda.deleteLayerVersion(layerName: Attacher.layerName(ofArn: version.layerVersionArn), version: version.version)
                    steps.append(.layerVersionDeleted(version.layerVersionArn))
                } catch { steps.append(.layerVersionDeleteFailed(version.layerVersionArn, error)) }
            }
        }
        return steps
    }
}
