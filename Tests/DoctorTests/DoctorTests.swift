import AWSCore
import AWSServices
import DemoScenario
@testable import Doctor
import Foundation
import PoolJournal
import Testing
import TestSupport

/// `doctor` on moto: green on the demo's setup, and each broken thing named, and only that.
struct DoctorTests {
    @Test func theDemoSetupIsHealthy() async throws {
        let setup = try await DoctorSetup.make()
        defer { setup.removeJournal() }
        let report = try await setup.examine()
        #expect(report.healthy, "\(report.text)")
        #expect(report.checks.allSatisfy { $0.status == .pass }, "nothing skipped on the full setup: \(report.text)")
        #expect(report.checks.map(\.id).contains("pool.email-sender"))
        #expect(report.checks.map(\.id).contains("flow.email-password-reset"), "email flows are checked when email is redirected")
    }

    @Test func withoutEmailRedirectTheEmailChecksAreSkipped() async throws {
        let setup = try await DoctorSetup.make(redirectEmail: false)
        defer { setup.removeJournal() }
        let report = try await setup.examine()
        #expect(report.healthy, "\(report.text)")
        #expect(report["pool.email-sender"]?.status == .skipped)
        #expect(report["flow.email-sign-up"] == nil)
        // Told that email should be redirected, doctor says it is not.
        let told = try await setup.examine { $0.redirectEmail = true }
        #expect(told.failures.map(\.id) == ["pool.email-sender"], "\(told.text)")
        #expect(told["pool.email-sender"]?.fix?.contains("--redirect-email") == true)
    }

    /// One thing broken on moto, and the checks that must fail for it (the journal's drift check
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
            let stack = setup.stack
            switch self {
            case .smsTriggerReplaced:
                let other = try await MotoResources.makeFunction(name: Moto.uniqueName("someone-elses-sender"))
                try await setup.updatePool { $0["LambdaConfig"]["CustomSMSSender"]["LambdaArn"] = .string(other.functionArn) }
            case .emailTriggerRemoved:
                try await setup.updatePool { $0["LambdaConfig"]["CustomEmailSender"] = nil }
            case .senderKeyDiffers:
                let other = try await setup.kms.createKey(
                    policy: DemoStack.keyPolicy(account: "123456789012", poolArn: stack.poolArn, senderRole: stack.roleArn).jsonString)
                _ = try await setup.lambda.updateFunctionConfiguration(
                    functionName: stack.sender.functionName,
                    environment: ["KMS_KEY_ARN": other.arn, "SNS_TOPIC_ARN": stack.topicArn])
            case .topicMissingFromEnvironment:
                _ = try await setup.lambda.updateFunctionConfiguration(functionName: stack.sender.functionName, environment: ["KMS_KEY_ARN": stack.keyArn])
            case .layerRemoved:
                _ = try await setup.lambda.updateFunctionConfiguration(functionName: stack.sender.functionName, layers: [])
            case .invokePermissionRemoved:
                try await setup.lambda.removePermission(functionName: stack.sender.functionName, statementId: DemoStack.invokeStatementId)
            case .invokePermissionForAnotherPool:
                try await setup.lambda.removePermission(functionName: stack.sender.functionName, statementId: DemoStack.invokeStatementId)
                try await setup.lambda.addPermission(
                    functionName: stack.sender.functionName, statementId: "AnotherPool", principal: "cognito-idp.amazonaws.com",
                    sourceArn: "arn:aws:cognito-idp:us-east-1:123456789012:userpool/us-east-1_Another")
            case .publishNotAllowed:
                try await setup.iam.putRolePolicy(
                    roleName: stack.roleName, name: "PublishCodes",
                    document: [
                        "Version": "2012-10-17", "Statement": [["Effect": "Allow", "Action": "sqs:SendMessage", "Resource": .string(stack.failuresArn)]],
                    ])
            case .keyDisabled:
                // By key id: moto's DisableKey looks the key up by id only (KMS takes an ARN too).
                try await setup.kms.disableKey(keyId: try #require(stack.keyArn.split(separator: "/").last.map(String.init)))
            case .cognitoMayNotEncrypt, .senderMayNotDecrypt, .decryptLeftToIAMButNotGranted:
                var policy = DemoStack.keyPolicy(account: "123456789012", poolArn: stack.poolArn, senderRole: stack.roleArn)
                let statements = policy["Statement"]?.arrayValue ?? []
                let dropped = self == .cognitoMayNotEncrypt ? "CognitoEncryptsCodesForThisPoolOnly" : "OnlyTheSenderDecrypts"
                var kept = statements.filter { $0["Sid"]?.stringValue != dropped }
                if self == .decryptLeftToIAMButNotGranted {
                    // The account's root may do everything: the key policy leaves the sender's kms:Decrypt to its IAM policies, which do not allow it.
                    kept[0]["Action"] = "kms:*"
                }
                policy["Statement"] = .array(kept)
                try await setup.kms.putKeyPolicy(keyId: stack.keyArn, policy: policy)
            case .inboxUnsubscribed:
                let subscription = try #require(try await setup.sns.listSubscriptionsByTopic(topicArn: stack.topicArn).first { $0.endpoint == stack.inboxArn })
                try await setup.sns.unsubscribe(subscriptionArn: subscription.subscriptionArn)
            case .queuePolicyForAnotherTopic:
                let policy = DemoStack.queuePolicy(queueArn: stack.inboxArn, topicArn: "arn:aws:sns:us-east-1:123456789012:another-topic")
                try await setup.sqs.setQueueAttributes(queueUrl: stack.inboxUrl, attributes: ["Policy": policy.jsonString])
            case .phoneNotAutoVerified:
                try await setup.updatePool { $0["AutoVerifiedAttributes"] = ["email"] }
            case .mfaOff:
                try await setup.cognito.setUserPoolMfaConfig(["UserPoolId": .string(stack.poolId), "MfaConfiguration": "OFF"])
            case .recoveryByEmailOnly:
                try await setup.updatePool { $0["AccountRecoverySetting"] = ["RecoveryMechanisms": [["Name": "verified_email", "Priority": 1]]] }
            case .failureRecorded:
                _ = try await setup.sqs.sendMessage(queueUrl: stack.failuresUrl, body: #"{"requestContext":{"condition":"RetriesExhausted"}}"#)
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
        defer { setup.removeJournal() }
        let adjust = try await breakage.apply(setup)
        let report = try await setup.examine(adjust)
        #expect(!report.healthy)
        #expect(Set(report.failures.map(\.id)) == breakage.expected, "\(report.text)")
        for failure in report.failures {
            #expect(failure.fix?.isEmpty == false, "\(failure.id) has a fix")
        }
        #expect(report.text.contains("✗ \(breakage.expected.sorted().first ?? "")"))
    }

    @Test func anUnreadableSenderIsAFailureNotACrash() async throws {
        let setup = try await DoctorSetup.make()
        defer { setup.removeJournal() }
        let report = try await setup.examine { $0.sender = "arn:aws:lambda:us-east-1:123456789012:function:no-such-sender" }
        let check = try #require(report["pool.sms-sender"])
        #expect(check.status == .fail)
        #expect(check.summary.contains("lambda:GetFunctionConfiguration"), "\(check.summary)")
        #expect(report["sender.environment"]?.status == .fail)
    }

    @Test func theInboxAndTheFailuresQueueAreFoundWhenNotGiven() async throws {
        let setup = try await DoctorSetup.make()
        defer { setup.removeJournal() }
        let report = try await setup.examine {
            $0.topicArn = nil
            $0.inboxQueueUrl = nil
            $0.failuresQueueUrl = nil
        }
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
