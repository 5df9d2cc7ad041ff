import AWSCore
import Foundation
import PoolConfig
import PoolJournal
import SenderContract

/// A failure CloudFormation can be told about: the words it shows and the PhysicalResourceId to
/// answer with. The lifecycle answers any such error with its ``reason``; the typed errors behind
/// it (``AttachError``, ``DetachError``) keep their cases for the callers that act on them.
public protocol CustomResourceFailure: Error, CustomStringConvertible {
    /// What failed, what was undone, what to do, in words that fit CloudFormation's response.
    var reason: String { get }
    /// The PhysicalResourceId to answer the FAILED response with; nil uses the event's or the expected one.
    var physicalResourceId: String? { get }
}

extension CustomResourceFailure {
    /// The ``reason``.
    public var description: String { reason }
}

/// Why a KMS key would make every code fail: refused before anything is journaled or changed.
public enum KeyProblem: Sendable, Equatable {
    /// The value is not an `arn:aws:kms:…:key/…` ARN.
    case notAKeyArn(String)
    /// The key is in `keyRegion`; Cognito takes a key of the pool's own region.
    case otherRegion(key: String, keyRegion: String, poolRegion: String)
    /// The key's account is not the sender's.
    case otherAccount(key: String, keyAccount: String, sender: String, senderAccount: String)
    /// The sender decrypts with `senderKey` alone (its `KMS_KEY_ARN`).
    case notTheSendersKey(key: String, senderKey: String)
}

/// Why an attach did not happen, before its rollback is told.
public enum AttachFailure: Sendable {
    /// The key given cannot decrypt what Cognito will send the sender.
    case keyUnusable(KeyProblem)
    /// The pool sends SMS through `role`, which the stack did not declare (empty `declared`: none was).
    case undeclaredSMSRole(poolId: String, role: String, declared: String)
    /// A read before anything changed failed.
    case readFailed(any Error)
    /// Our layer would take the sender over Lambda's limit.
    case tooManyLayers(sender: String, count: Int, current: [String])
    /// Someone changed the pool between the describe and the update: their change is left alone.
    case poolChangedMeanwhile([PoolDiff.Difference])
    /// The pool read back otherwise than the UpdateUserPool request sent.
    case poolNotAsSent([PoolDiff.Difference])
    /// The update changed the pool's MFA factors.
    case mfaFactorsChanged([PoolDiff.Difference])
    /// A call that changes something (or the journal, or the request's making) failed.
    case callFailed(any Error)
    /// A repeated delivery of a request that failed before: the reason its journal entry keeps.
    case failedBefore(detail: String)
    /// The watch's re-attach found the attachment no longer in force, or its detach under way.
    case notInForce
}

/// One step of an attach's rollback, in the order it was taken.
public enum RollbackStep: Sendable {
    /// The pool was put back as described before the attach, and read back so.
    case poolRestored
    /// The pool was put back, but reads back otherwise (its MFA factors among the differences).
    case poolRestoredButDiffers([PoolDiff.Difference])
    /// Putting the pool back failed: it must be restored by hand.
    case poolRestoreFailed(any Error)
    /// The sender's layers are as they were.
    case layersRestored
    /// Setting the sender's layers back failed; `original` is what they were.
    case layersRestoreFailed(any Error, original: [String])
    /// The layer version the attach published was deleted.
    case layerVersionDeleted(String)
    /// Deleting the layer version the attach published failed.
    case layerVersionDeleteFailed(String, any Error)

    /// False for a step that could not be taken: something is left for a person to undo.
    public var succeeded: Bool {
        switch self {
        case .poolRestored, .layersRestored, .layerVersionDeleted: true
        case .poolRestoredButDiffers, .poolRestoreFailed, .layersRestoreFailed, .layerVersionDeleteFailed: false
        }
    }
}

/// A failed attach: why, and what was undone (nothing, when `rollback` is empty).
public struct AttachError: CustomResourceFailure {
    /// What went wrong.
    public var failure: AttachFailure
    /// The rollback's steps; empty when nothing had been changed.
    public var rollback: [RollbackStep]
    /// The attachment the attach was for: the PhysicalResourceId of the failed Create.
    public var attachmentId: String?

    /// A failure of the attach of `attachmentId`, after `rollback`.
    public init(_ failure: AttachFailure, rollback: [RollbackStep] = [], attachmentId: String?) {
        self.failure = failure
        self.rollback = rollback
        self.attachmentId = attachmentId
    }

    /// The ``attachmentId``.
    public var physicalResourceId: String? { attachmentId }

    /// The error behind the failure, for callers that act on its cause (an `AWSError`, a `PoolConfigError`).
    public var underlying: (any Error)? {
        switch failure {
        case let .readFailed(error), let .callFailed(error): error
        default: nil
        }
    }

    /// The failure, then what became of the rollback.
    public var reason: String {
        switch failure {
        case .failedBefore, .keyUnusable, .undeclaredSMSRole, .readFailed, .notInForce: return failure.words
        default:
            return failure.words + (rollback.isEmpty ? "; nothing had been changed" : "; rolled back: " + rollback.map(\.words).joined(separator: ", "))
        }
    }
}

/// Something a detach did, or left alone, beside putting the pool back.
public enum DetachNote: Sendable, Equatable {
    /// A newer attachment owns the pool: it was left to it.
    case supersededBy(attachmentId: String)
    /// An older attachment still in force got the pool back as it attached it.
    case handedBackTo(attachmentId: String)
    /// The pool had been deleted: there was nothing to restore.
    case poolMissing(poolId: String)
    /// A member someone else changed since the attach, left as they set it.
    case leftAlone(LambdaConfigDrift)
    /// The pool reads back otherwise than the restore sent.
    case restoreDiffers([PoolDiff.Difference])
    /// The pool's MFA factors read back otherwise than the journaled original.
    case mfaDiffers([PoolDiff.Difference])
    /// The MFA factors could not be read to check them (`error` in words).
    case mfaUnchecked(error: String)
    /// The detach undid an attach cut off after its start.
    case undidInterruptedAttach(startedAt: Date, requestId: String)
    /// The interrupted attach had not got as far as the pool.
    case interruptedAttachLeftPoolAlone
    /// The sender no longer had our layer.
    case layerAlreadyRemoved(String)
    /// The sender function no longer exists.
    case senderMissing(String)
    /// The layer version we published had already been deleted.
    case layerVersionAlreadyDeleted(String)
    /// The older attachment's layer could not go back on its sender: it would exceed Lambda's limit.
    case olderLayerNotRestored(layer: String, attachmentId: String, layerCount: Int)
    /// A repeated Delete: the notes as the first answer's journal entry keeps them, in words.
    case recorded(String)
}

/// Why a detach changed nothing.
public enum DetachSkip: Sendable, Equatable {
    /// No successful attach of the attachment is in force (a Delete after a failed Create, a second Delete).
    case nothingInForce(attachmentId: String)
    /// A repeated Delete of one that was skipped: the journal's words for it.
    case recorded(String)
}

/// A failed detach: Cognito or Lambda refused a change, or the journal lacks what the restore needs.
public enum DetachFailure: Sendable {
    /// The journal's attach entry has no original pool to restore.
    case originalNotJournaled(entryId: Int64)
    /// UpdateUserPool refused a restore that carried members the model does not know.
    case unknownMembersRefused(members: [String], underlying: any Error)
    /// A call failed.
    case callFailed(any Error)
}

/// A failed detach of `attachmentId`.
public struct DetachError: CustomResourceFailure {
    /// What went wrong.
    public var failure: DetachFailure
    /// The attachment being detached: the PhysicalResourceId of the failed Delete.
    public var attachmentId: String

    /// A failure of the detach of `attachmentId`.
    public init(_ failure: DetachFailure, attachmentId: String) {
        self.failure = failure
        self.attachmentId = attachmentId
    }

    /// The ``attachmentId``.
    public var physicalResourceId: String? { attachmentId }

    /// The error behind the failure, for callers that act on its cause.
    public var underlying: (any Error)? {
        switch failure {
        case .originalNotJournaled: nil
        case let .unknownMembersRefused(_, error), let .callFailed(error): error
        }
    }

    /// The failure in words.
    public var reason: String {
        switch failure {
        case let .originalNotJournaled(entryId):
            "the journal's attach entry \(entryId) lacks the original pool; restore by hand from `smsredirect journal show`"
        case let .unknownMembersRefused(members, error):
            "\(error). The restore carried, verbatim, members this tool's Cognito model (botocore \(CognitoPoolModel.botocoreVersion)) does not know: \(members.joined(separator: ", ")). Update the model (`make pool-model`) and delete again, or put LambdaConfig back by hand from `smsredirect journal show`"
        case let .callFailed(error): "\(error)"
        }
    }
}

// MARK: Words, at the edges: CloudFormation's reason, the journal's detail, the CLI

extension KeyProblem: CustomStringConvertible {
    /// The problem and what to give instead.
    public var description: String {
        let variable = SenderEnvironment.kmsKeyArn
        switch self {
        case let .notAKeyArn(key): return "KmsKeyArn \(key) is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID)"
        case let .otherRegion(key, keyRegion, poolRegion):
            return "KmsKeyArn \(key) is in \(keyRegion), the user pool in \(poolRegion): Cognito encrypts codes with a key of the pool's own region"
        case let .otherAccount(key, keyAccount, sender, senderAccount):
            return "KmsKeyArn \(key) belongs to account \(keyAccount), the sender \(sender) to \(senderAccount): give a key of the sender's account"
        case let .notTheSendersKey(key, senderKey):
            return
                "KmsKeyArn \(key) is not the key the sender decrypts with (its \(variable) is \(senderKey)): every code would fail with Sender.WrongKMSKey; give \(senderKey), or change the sender's \(variable) first"
        }
    }
}

extension AttachFailure {
    /// The failure alone, without the rollback.
    var words: String {
        switch self {
        case let .keyUnusable(problem): "\(problem); nothing was changed"
        case let .undeclaredSMSRole(poolId, role, declared):
            "the user pool \(poolId) sends SMS through the role \(role) and "
                + (declared.isEmpty ? "the stack parameter SMSRoleArn is empty" : "the stack parameter SMSRoleArn is \(declared)")
                + ": set the stack parameter SMSRoleArn to \(role) (the helper must pass that role to Cognito when it updates the pool); nothing was changed"
        case let .readFailed(error): "\(error); nothing was changed"
        case let .tooManyLayers(sender, count, current):
            "the sender \(sender) would have \(count) layers; Lambda allows \(Attacher.maxLayers). Remove one of \(current.joined(separator: ", ")) first."
        case let .poolChangedMeanwhile(differences):
            "the pool changed while the attach was under way (\(PoolDiff.summary(differences, verb: "was"))): run it again once the other change is done"
        case let .poolNotAsSent(differences):
            "the pool did not come out as sent: \(PoolDiff.summary(differences)). Someone may have changed it meanwhile, or Cognito changed a setting it was sent"
        case let .mfaFactorsChanged(differences):
            "the pool's MFA factors changed with the update: \(PoolDiff.summary(differences, verb: "was")). Check them with `aws cognito-idp get-user-pool-mfa-config`"
        case let .callFailed(error): "\(error)"
        case let .failedBefore(detail): detail
        case .notInForce:
            "the attachment is no longer in force, or its detach is under way (the stack's Delete): the watch does not attach it again; nothing was changed"
        }
    }
}

extension RollbackStep {
    /// The step in a few words, for the reason.
    var words: String {
        switch self {
        case .poolRestored: "the pool restored as it was"
        case let .poolRestoredButDiffers(differences): "the pool restored, but it ALSO differs from what it was: \(PoolDiff.summary(differences))"
        case let .poolRestoreFailed(error): "restoring the pool ALSO FAILED (\(error)): restore it by hand from `smsredirect journal show`"
        case .layersRestored: "the sender's layers restored"
        case let .layersRestoreFailed(error, original): "restoring the sender's layers ALSO FAILED (\(error)): they are \(original) originally"
        case let .layerVersionDeleted(arn): "layer version \(arn) deleted"
        case let .layerVersionDeleteFailed(arn, error): "deleting layer version \(arn) ALSO FAILED (\(error))"
        }
    }
}

extension DetachNote: CustomStringConvertible {
    /// The note in words, for the journal, the log, CloudFormation's `LeftAlone` and the CLI.
    public var description: String {
        switch self {
        case let .supersededBy(id): "superseded by attachment \(id): the pool is left to it"
        case let .handedBackTo(id): "handed back to attachment \(id), still in force"
        case let .poolMissing(poolId): "the user pool \(poolId) no longer exists"
        case let .leftAlone(drift): drift.description
        case let .restoreDiffers(differences):
            "after the restore the pool differs from what was sent: \(PoolDiff.summary(differences)); check it with `smsredirect journal diff`"
        case let .mfaDiffers(differences):
            "after the restore the pool's MFA factors differ from the original: \(PoolDiff.summary(differences, verb: "was"))"
        case let .mfaUnchecked(error): "the MFA factors could not be checked after the restore (\(error))"
        case let .undidInterruptedAttach(startedAt, requestId):
            "undid the attach interrupted after its start at \(JournalTime.format(startedAt)) (request \(requestId))"
        case .interruptedAttachLeftPoolAlone: "it had not changed the pool"
        case let .layerAlreadyRemoved(arn): "the sender no longer has layer \(arn)"
        case let .senderMissing(arn): "the sender \(arn) no longer exists"
        case let .layerVersionAlreadyDeleted(arn): "layer version \(arn) was already deleted"
        case let .olderLayerNotRestored(layer, id, count):
            "the layer \(layer) of attachment \(id) could not be put back: the sender would have \(count) layers"
        case let .recorded(words): words
        }
    }
}

extension DetachSkip: CustomStringConvertible {
    /// Why nothing was done, in words.
    public var description: String {
        switch self {
        case let .nothingInForce(id): "no successful attach of \(id) is in force: nothing to undo"
        case let .recorded(words): words
        }
    }
}
