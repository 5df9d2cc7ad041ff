import AWSCore
import AWSServices
@testable import Doctor
import Foundation
import PoolJournal
import Testing
import TestSupport

/// `doctor` on a stack the existing-pool template deployed (through ministack): green as deployed,
/// and each broken thing named, and only that.
@Suite(.needsMinistack)
struct DoctorTests {
    @Test func theDemoSetupIsHealthy() async throws {
        let setup = try await DoctorSetup.make()
        let report = try await setup.examine()
        await setup.tearDown()
        #expect(report.healthy, "\(report.text)")
        #expect(report.checks.allSatisfy { $0.status == .pass }, "nothing skipped on the full setup: \(report.text)")
        #expect(report.checks.map(\.id).contains("pool.email-sender"))
        #expect(report.checks.map(\.id).contains("flow.email-password-reset"), "email flows are checked when email is redirected")
    }

    @Test func withoutEmailRedirectTheEmailChecksAreSkipped() async throws {
        let setup = try await DoctorSetup.make(redirectEmail: false)
        let report = try await setup.examine()
        // Told that email should be redirected, doctor says it is not.
        let told = try await setup.examine { $0.redirectEmail = true }
        await setup.tearDown()
        #expect(report.healthy, "\(report.text)")
        #expect(report["pool.email-sender"]?.status == .skipped)
        #expect(report["flow.email-sign-up"] == nil)
        #expect(told.failures.map(\.id) == ["pool.email-sender"], "\(told.text)")
        #expect(told["pool.email-sender"]?.fix?.contains("--redirect-email") == true)
    }

    /// One thing broken on the deployed stack, and the checks that must fail for it (the journal's drift check
    /// fails too whenever the break is a change to the pool).
    enum Breakage: String, CaseIterable, CustomTestStringConvertible {
        case smsTriggerReplaced, emailTriggerRemoved, senderKeyDiffers, topicMissingFromEnvironment, layerRemoved, invokePermissionRemoved,
            invokePermissionForAnotherPool, publishNotAllowed, keyDisabled, cognitoMayNotEncrypt, senderMayNotDecrypt, decryptLeftToIAMButNotGranted,
            inboxUnsubscribed, queuePolicyForAnotherTopic, phoneNotAutoVerified, mfaOff, recoveryByEmailOnly, failureRecorded,
            journalWithoutTheAttach, journalMissing, poolChangedSinceAttach

        var testDescription: String { rawValue }

        var expected: Set<String> {
            switch self {
            case .smsTriggerReplaced: ["pool.sms-sender", "journal.drift"]
            case .emailTriggerRemoved: ["pool.email-sender", "journal.drift"]
            case .senderKeyDiffers: ["pool.kms-key"]
            case .topicMissingFromEnvironment: ["sender.environment"]
            case .layerRemoved: ["sender.layer"]
            case .invokePermissionRemoved, .invokePermissionForAnotherPool: ["sender.invoke-permission"]
            case .publishNotAllowed: ["sender.publish-permission"]
            case .keyDisabled: ["key.state"]
            case .cognitoMayNotEncrypt: ["key.encrypt-permission"]
            case .senderMayNotDecrypt, .decryptLeftToIAMButNotGranted: ["key.decrypt-permission"]
            case .inboxUnsubscribed: ["inbox.subscription"]
            case .queuePolicyForAnotherTopic: ["inbox.queue-policy"]
            case .phoneNotAutoVerified: ["flow.sms-sign-up", "journal.drift"]
            case .mfaOff: ["flow.sms-mfa", "journal.drift"]
            case .recoveryByEmailOnly: ["flow.sms-password-reset", "journal.drift"]
            case .failureRecorded: ["failures.recent"]
            case .journalWithoutTheAttach, .journalMissing: ["journal.attachment"]
            case .poolChangedSinceAttach: ["journal.drift"]
            }
        }

        /// Breaks that thing; returns a change to the target when the break is in what doctor is given.
        func apply(_ setup: DoctorSetup) async throws -> (inout DoctorTarget) -> Void {
            switch self {
            case .smsTriggerReplaced:
                // Someone else's sender: any other function will do, the stack's helper is one.
                let other = try await setup.lambda.getFunctionConfiguration(functionName: try setup.resource("HelperFunction"))
                try await setup.updatePool { $0["LambdaConfig"]["CustomSMSSender"]["LambdaArn"] = .string(other.functionArn) }
            case .emailTriggerRemoved:
                try await setup.updatePool { $0["LambdaConfig"]["CustomEmailSender"] = nil }
            case .senderKeyDiffers:
                let other = try await setup.kms.createKey(policy: try await setup.kms.getKeyPolicy(keyId: setup.keyArn).jsonString)
                _ = try await setup.lambda.updateFunctionConfiguration(
                    functionName: setup.senderName, environment: ["KMS_KEY_ARN": other.arn, "SNS_TOPIC_ARN": setup.topicArn])
            case .topicMissingFromEnvironment:
                _ = try await setup.lambda.updateFunctionConfiguration(functionName: setup.senderName, environment: ["KMS_KEY_ARN": setup.keyArn])
            case .layerRemoved:
                _ = try await setup.lambda.updateFunctionConfiguration(functionName: setup.senderName, layers: [])
            case .invokePermissionRemoved:
                try await setup.lambda.removePermission(functionName: setup.senderName, statementId: try await setup.invokeStatementId())
            case .invokePermissionForAnotherPool:
                try await setup.lambda.removePermission(functionName: setup.senderName, statementId: try await setup.invokeStatementId())
                try await setup.lambda.addPermission(
                    functionName: setup.senderName, statementId: "AnotherPool", principal: "cognito-idp.amazonaws.com",
                    sourceArn: "arn:aws:cognito-idp:us-east-1:\(Ministack.accountId):userpool/us-east-1_Another")
            case .publishNotAllowed:
                // The template's SenderPolicy, without its PublishCodes statement.
                try await setup.iam.putRolePolicy(
                    roleName: try setup.resource("SenderRole"), name: "sender",
                    document: [
                        "Version": "2012-10-17",
                        "Statement": [["Effect": "Allow", "Action": "kms:Decrypt", "Resource": .string(setup.keyArn)]],
                    ])
            case .keyDisabled:
                try await setup.kms.disableKey(keyId: try #require(setup.keyArn.split(separator: "/").last.map(String.init)))
            case .cognitoMayNotEncrypt, .senderMayNotDecrypt, .decryptLeftToIAMButNotGranted:
                var policy = try await setup.kms.getKeyPolicy(keyId: setup.keyArn)
                let statements = policy["Statement"]?.arrayValue ?? []
                let dropped = self == .cognitoMayNotEncrypt ? "CognitoEncryptsCodesForThisPoolOnly" : "OnlyTheSenderDecrypts"
                var kept = statements.filter { $0["Sid"]?.stringValue != dropped }
                if self == .decryptLeftToIAMButNotGranted {
                    // The account's root may do everything: the key policy leaves the sender's
                    // kms:Decrypt to its IAM policies, and the template's SenderPolicy (which allows
                    // it) is replaced by one that does not.
                    let administration = try #require(kept.firstIndex { $0["Sid"]?.stringValue == "KeyAdministrationByTheAccount" })
                    kept[administration]["Action"] = "kms:*"
                    try await setup.iam.putRolePolicy(
                        roleName: try setup.resource("SenderRole"), name: "sender",
                        document: ["Version": "2012-10-17", "Statement": [["Effect": "Allow", "Action": "sns:Publish", "Resource": .string(setup.topicArn)]]])
                }
                policy["Statement"] = .array(kept)
                try await setup.kms.putKeyPolicy(keyId: setup.keyArn, policy: policy)
            case .inboxUnsubscribed:
                let inbox = try await setup.inboxArn()
                let subscription = try #require(try await setup.sns.listSubscriptionsByTopic(topicArn: setup.topicArn).first { $0.endpoint == inbox })
                try await setup.sns.unsubscribe(subscriptionArn: subscription.subscriptionArn)
            case .queuePolicyForAnotherTopic:
                var policy = try JSONValue(
                    data: Data(try #require(try await setup.sqs.getQueueAttributes(queueUrl: setup.inboxUrl, names: ["Policy"])["Policy"]).utf8))
                let another = "arn:aws:sns:us-east-1:\(Ministack.accountId):another-topic"
                policy["Statement"] = .array(
                    (policy["Statement"]?.arrayValue ?? []).map { statement in
                        var statement = statement
                        statement["Condition"] = ["ArnEquals": ["aws:SourceArn": .string(another)]]
                        return statement
                    })
                try await setup.sqs.setQueueAttributes(queueUrl: setup.inboxUrl, attributes: ["Policy": policy.jsonString])
            case .phoneNotAutoVerified:
                try await setup.updatePool { $0["AutoVerifiedAttributes"] = ["email"] }
            case .mfaOff:
                try await setup.cognito.setUserPoolMfaConfig(["UserPoolId": .string(setup.poolId), "MfaConfiguration": "OFF"])
            case .recoveryByEmailOnly:
                try await setup.updatePool { $0["AccountRecoverySetting"] = ["RecoveryMechanisms": [["Name": "verified_email", "Priority": 1]]] }
            case .failureRecorded:
                _ = try await setup.sqs.sendMessage(queueUrl: setup.failuresUrl, body: #"{"requestContext":{"condition":"RetriesExhausted"}}"#)
            case .journalWithoutTheAttach:
                let empty = FileManager.default.temporaryDirectory.appendingPathComponent("doctor-empty-\(UUID().uuidString).sqlite").path
                _ = try JournalDatabase(path: empty)
                return { $0.journal = LocalJournalStore(path: empty) }
            case .journalMissing:
                return { $0.journal = LocalJournalStore(path: "/nonexistent/journal.sqlite") }
            case .poolChangedSinceAttach:
                try await setup.updatePool { $0["SmsVerificationMessage"] = "Changed by hand: {####}" }
            }
            return { _ in }
        }
    }

    @Test(arguments: Breakage.allCases)
    func eachBrokenThingIsNamed(_ breakage: Breakage) async throws {
        let setup = try await DoctorSetup.make()
        let adjust = try await breakage.apply(setup)
        let report = try await setup.examine(adjust)
        await setup.tearDown()
        #expect(!report.healthy)
        #expect(Set(report.failures.map(\.id)) == breakage.expected, "\(report.text)")
        for failure in report.failures {
            #expect(failure.fix?.isEmpty == false, "\(failure.id) has a fix")
        }
        #expect(report.text.contains("✗ \(breakage.expected.sorted().first ?? "")"))
    }

    @Test func anUnreadableSenderIsAFailureNotACrash() async throws {
        let setup = try await DoctorSetup.make()
        let report = try await setup.examine { $0.sender = "arn:aws:lambda:us-east-1:\(Ministack.accountId):function:no-such-sender" }
        await setup.tearDown()
        let check = try #require(report["pool.sms-sender"])
        #expect(check.status == .fail)
        #expect(check.summary.contains("lambda:GetFunctionConfiguration"), "\(check.summary)")
        #expect(report["sender.environment"]?.status == .fail)
    }

    @Test func theInboxAndTheFailuresQueueAreFoundWhenNotGiven() async throws {
        let setup = try await DoctorSetup.make()
        let report = try await setup.examine {
            $0.topicArn = nil
            $0.inboxQueueUrl = nil
            $0.failuresQueueUrl = nil
        }
        await setup.tearDown()
        #expect(report.healthy, "\(report.text)")
        #expect(report["inbox.queue-policy"]?.status == .pass, "the inbox is the topic's one SQS subscription")
        #expect(report["failures.recent"]?.status == .pass, "the failures queue is the sender's on-failure destination")
    }
}

/// What moto cannot set up, as built facts: it confirms every subscription at once (SNS lists an
/// unconfirmed subscription with the ARN `PendingConfirmation`), and every moto pool has an
/// AccountRecoverySetting (it fills one in on create and keeps it when an update leaves it out,
/// and AWS refuses an empty one), where a pool AWS created without one has none.
struct DoctorPureCheckTests {
    @Test(.tags(.unit)) func aPendingEmailSubscriptionSaysWhatToDo() {
        let topic = "arn:aws:sns:us-east-1:123456789012:codes"
        var facts = DoctorFacts(
            userPoolId: "us-east-1_Pool", pool: .success([:]), mfa: .success([:]),
            sender: .failure(DoctorReadFailure(operation: "lambda:GetFunctionConfiguration", error: DoctorTestError())),
            senderPolicy: .success(nil), topicArn: topic,
            subscriptions: .success([.init(subscriptionArn: "PendingConfirmation", transport: "email", endpoint: "dev@example.com")]),
            redirectEmail: (false, "test"), flows: [])
        let pending = DoctorChecks.emailSubscription(facts)
        #expect(pending.status == .fail)
        #expect(pending.summary.contains("pending confirmation"))
        #expect(pending.fix?.contains("Confirm subscription") == true && pending.fix?.contains("dev@example.com") == true)

        facts.subscriptions = .success([.init(subscriptionArn: "\(topic):1234", transport: "email", endpoint: "dev@example.com")])
        #expect(DoctorChecks.emailSubscription(facts).status == .pass)
        facts.subscriptions = .success([])
        #expect(DoctorChecks.emailSubscription(facts).status == .skipped, "no email subscription is a setup that reads only the inbox")
    }

    @Test(.tags(.unit)) func aPoolWithoutAccountRecoverySettingFailsBothResetFlows() {
        let facts = DoctorFacts(
            userPoolId: "us-east-1_Pool", pool: .success(["Id": "us-east-1_Pool", "AutoVerifiedAttributes": ["phone_number", "email"]]),
            mfa: .success([:]), sender: .failure(DoctorReadFailure(operation: "lambda:GetFunctionConfiguration", error: DoctorTestError())),
            senderPolicy: .success(nil), topicArn: "arn:aws:sns:us-east-1:123456789012:codes", subscriptions: .success([]),
            redirectEmail: (true, "test"), flows: [.smsPasswordReset, .emailPasswordReset])
        for flow in [DoctorFlow.smsPasswordReset, .emailPasswordReset] {
            let check = DoctorChecks.flow(facts, flow)
            #expect(check.status == .fail, "\(flow)")
            #expect(check.summary.contains("no AccountRecoverySetting") && check.fix?.contains("--account-recovery-setting") == true)
        }
        var recovered = facts
        recovered.pool = .success(["AccountRecoverySetting": ["RecoveryMechanisms": [["Name": "verified_phone_number", "Priority": 1]]]])
        #expect(DoctorChecks.flow(recovered, .smsPasswordReset).status == .pass)
        #expect(DoctorChecks.flow(recovered, .emailPasswordReset).status == .fail)
    }

    struct DoctorTestError: Error {}
}
