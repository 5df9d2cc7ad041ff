import AWSCore
import CustomResource
import Foundation
import PoolConfig
import Testing
import TestSupport

/// The words users see for the typed outcomes: CloudFormation's reason, the journal's detail,
/// `LeftAlone` and the CLI. The other tests match cases; these pin the sentences that are a contract.
@Suite(.tags(.unit))
struct AttachOutcomeWordsTests {
    static let reset = PoolDiff.Difference(path: "SmsAuthenticationMessage", before: "Your code is {####}", after: nil)

    @Test func aFailedAttachSaysWhatFailedAndEachRollbackStep() {
        let failure = AttachError(.poolNotAsSent([Self.reset]), rollback: [.poolRestored, .layersRestored], attachmentId: "pool-1/abc")
        #expect(
            failure.reason
                == #"the pool did not come out as sent: SmsAuthenticationMessage sent "Your code is {####}", now absent. Someone may have changed it meanwhile, or Cognito changed a setting it was sent; rolled back: the pool restored as it was, the sender's layers restored"#
        )
        #expect(failure.physicalResourceId == "pool-1/abc")
    }

    @Test func aRollbackThatFailedNamesTheWayBack() {
        struct Refused: Error, CustomStringConvertible { var description: String { "InternalErrorException" } }
        let failure = AttachError(.callFailed(Refused()), rollback: [.poolRestoreFailed(Refused())], attachmentId: nil)
        #expect(
            failure.reason
                == "InternalErrorException; rolled back: restoring the pool ALSO FAILED (InternalErrorException): restore it by hand from `smsredirect journal show`"
        )
        #expect(AttachError(.callFailed(Refused()), attachmentId: nil).reason == "InternalErrorException; nothing had been changed")
    }

    @Test func refusalsBeforeAnyChangeSayNothingWasChanged() {
        let role = AttachError(.undeclaredSMSRole(poolId: "us-east-1_X", role: "arn:aws:iam::1:role/sms", declared: ""), attachmentId: nil)
        #expect(
            role.reason.hasSuffix(
                "set the stack parameter SMSRoleArn to arn:aws:iam::1:role/sms (the helper must pass that role to Cognito when it updates the pool); nothing was changed"
            ))
        let key = AttachError(.keyUnusable(.notTheSendersKey(key: "arn:k1", senderKey: "arn:k2")), attachmentId: nil)
        #expect(key.reason.contains("give arn:k2, or change the sender's KMS_KEY_ARN first; nothing was changed"), "\(key.reason)")
    }

    @Test func detachNotesReadAsTheyAlwaysHave() {
        #expect(
            DetachNote.leftAlone(.senderChanged(.sms, current: "arn:theirs", ours: "arn:ours")).description
                == "LambdaConfig.CustomSMSSender is arn:theirs instead of arn:ours: left as it is")
        #expect(
            DetachNote.leftAlone(.keyChanged(current: nil, ours: "arn:key")).description == "LambdaConfig.KMSKeyID is not set instead of arn:key: left as it is"
        )
        #expect(DetachNote.poolMissing(poolId: "us-east-1_X").description == "the user pool us-east-1_X no longer exists")
        #expect(DetachNote.supersededBy(attachmentId: "a2").description == "superseded by attachment a2: the pool is left to it")
        #expect(DetachSkip.nothingInForce(attachmentId: "a1").description == "no successful attach of a1 is in force: nothing to undo")
    }

    /// However many members differ, the reason stays short enough for CloudFormation's 4,096-byte response.
    @Test func manyDifferencesAreCutShort() {
        let many = (0..<200).map { PoolDiff.Difference(path: "Member\($0)", before: .string(String(repeating: "x", count: 500)), after: nil) }
        let failure = AttachError(.poolNotAsSent(many), rollback: [.poolRestoredButDiffers(many), .layersRestored], attachmentId: nil)
        #expect(failure.reason.utf8.count < 3_000, "\(failure.reason.utf8.count) bytes")
        #expect(failure.reason.contains("and 192 more"))
    }
}
