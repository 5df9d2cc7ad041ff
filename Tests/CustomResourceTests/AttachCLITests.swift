import AWSCore
import AWSServices
import Foundation
import Testing
import TestSupport

/// `smsredirect attach`, `journal list|show|diff` and `detach`: the helper's code without CloudFormation.
@Suite(.needsMoto)
struct AttachCLITests {
    @Test func attachAuditAndDetachFromTheCommandLine() async throws {
        let harness = try await HelperHarness.make()
        let target = try await harness.makeTarget(fixture: "13-prior-custom-sms-sender")
        let smsredirect = try BuiltProducts.path("smsredirect")
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("cli-journal-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: journal) }

        let attach = try await CommandRunner.run(
            smsredirect,
            [
                "attach", "--user-pool-id", target.poolId, "--sender-arn", target.function.functionArn,
                "--kms-key-arn", target.keyArn, "--layer-arn", target.layerArn, "--journal", journal, "--json",
            ])
        #expect(attach.status == 0, "\(attach.standardError)")
        let attached = try JSONValue(data: Data(attach.standardOutput.utf8))
        #expect(attached["attachmentId"]?.stringValue?.hasPrefix(target.poolId) == true)
        #expect(attached["replacedSender"]?.stringValue?.contains("old-sms-sender") == true, "the pool's own sender is named: \(attach.standardOutput)")
        #expect(
            try await harness.cognito.describeUserPool(id: target.poolId)["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue
                == target.function.functionArn)

        let list = try await CommandRunner.run(smsredirect, ["journal", "list", "--journal", journal, "--json"])
        #expect(list.status == 0, "\(list.standardError)")
        let entries = try #require(try JSONValue(data: Data(list.standardOutput.utf8)).arrayValue)
        #expect(entries.map { $0["status"]?.stringValue } == ["started", "succeeded"])
        let firstId = try #require(entries.first?["id"]?.intValue)

        let diff = try await CommandRunner.run(smsredirect, ["journal", "diff", String(firstId), "--journal", journal])
        #expect(diff.status == 0, "\(diff.standardError)")
        #expect(diff.standardOutput.contains("LambdaConfig.CustomSMSSender.LambdaArn"), "\(diff.standardOutput)")
        #expect(diff.standardOutput.contains("old-sms-sender") && diff.standardOutput.contains(target.function.functionName))

        let show = try await CommandRunner.run(smsredirect, ["journal", "show", String(firstId), "--journal", journal])
        #expect(show.status == 0)
        #expect(show.standardOutput.contains("original pool:") && show.standardOutput.contains("old-sms-sender"))
        // The JSON form keeps the entry's property names, whatever the journal's column names are.
        let shownJSON = try await CommandRunner.run(smsredirect, ["journal", "show", String(firstId), "--journal", journal, "--json"])
        let shown = try JSONValue(data: Data(shownJSON.standardOutput.utf8))
        #expect(shown["attachmentId"]?.stringValue?.hasPrefix(target.poolId) == true && shown["attachment_id"] == nil, "\(shownJSON.standardOutput)")
        #expect(shown["originalPool"]["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue?.contains("old-sms-sender") == true)

        let detach = try await CommandRunner.run(smsredirect, ["detach", "--user-pool-id", target.poolId, "--journal", journal])
        #expect(detach.status == 0, "\(detach.standardError)")
        #expect(PoolFixtures.comparable(try await harness.cognito.describeUserPool(id: target.poolId)) == PoolFixtures.comparable(target.original))
        let clean = try await CommandRunner.run(smsredirect, ["journal", "diff", String(firstId), "--journal", journal])
        #expect(clean.standardOutput.contains("is as entry \(firstId) recorded it"), "\(clean.standardOutput)")
        #expect(show.standardOutput.contains("original MFA factors (GetUserPoolMfaConfig):"), "\(show.standardOutput)")

        // An MFA factor turned on outside the tool (SetUserPoolMfaConfig: DescribeUserPool does not show it) is drift the diff names.
        let mfa = try await harness.cognito.getUserPoolMfaConfig(id: target.poolId)
        _ = try await harness.cognito.client.json(
            "SetUserPoolMfaConfig",
            [
                "UserPoolId": .string(target.poolId), "MfaConfiguration": mfa["MfaConfiguration"] ?? "OFF",
                "SoftwareTokenMfaConfiguration": ["Enabled": true],
            ])
        let mfaDrift = try await CommandRunner.run(smsredirect, ["journal", "diff", String(firstId), "--journal", journal])
        #expect(mfaDrift.standardOutput.contains("MFA.SoftwareTokenMfaConfiguration"), "\(mfaDrift.standardOutput)")

        // Bad input is a clear error that says what to do, and changes nothing.
        let again = try await CommandRunner.run(smsredirect, ["detach", "--user-pool-id", target.poolId, "--journal", journal])
        #expect(again.status != 0)
        #expect(again.standardError.contains("nothing to detach"))
        let missing = try await CommandRunner.run(smsredirect, ["journal", "show", "999", "--journal", journal])
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("no entry 999"))
        let badKey = try await CommandRunner.run(
            smsredirect, ["attach", "--user-pool-id", target.poolId, "--sender-arn", target.function.functionArn, "--kms-key-arn", "alias/codes"])
        #expect(badKey.status != 0)
        #expect(badKey.standardError.contains("--kms-key-arn must be a key ARN"))
    }

    /// `attach --redirect-email` on a pool with a CustomEmailSender of its own: the simulated email
    /// sign-up, password reset and passwordless EMAIL_OTP sign-in each reach the inbox for
    /// `wait-code --email`, and the detach gives the pool its own email sender back.
    @Test func emailRedirectFromTheCommandLine() async throws {
        let harness = try await HelperHarness.make()
        let target = try await harness.makeTarget(fixture: "14-custom-email-sender-sharing-the-key")
        let ownEmailSender = try #require(target.original["LambdaConfig"]["CustomEmailSender"]["LambdaArn"]?.stringValue)
        let sns = try SNSClient(configuration: Moto.configuration()), sqs = try SQSClient(configuration: Moto.configuration())
        let topic = try await sns.createTopic(name: Moto.uniqueName("codes"))
        let queue = try await sqs.createQueue(name: Moto.uniqueName("inbox"))
        _ = try await sns.subscribe(topicArn: topic, protocol: "sqs", endpoint: try #require(try await sqs.getQueueAttributes(queueUrl: queue)["QueueArn"]))
        let smsredirect = try BuiltProducts.path("smsredirect")
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("cli-journal-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: journal) }

        let attach = try await CommandRunner.run(
            smsredirect,
            [
                "attach", "--user-pool-id", target.poolId, "--sender-arn", target.function.functionArn,
                "--kms-key-arn", target.keyArn, "--redirect-email", "--journal", journal, "--json",
            ])
        #expect(attach.status == 0, "\(attach.standardError)")
        #expect(try JSONValue(data: Data(attach.standardOutput.utf8))["redirectEmail"] == true)
        let attached = try await harness.cognito.describeUserPool(id: target.poolId)
        #expect(attached["LambdaConfig"]["CustomEmailSender"] == ["LambdaArn": .string(target.function.functionArn), "LambdaVersion": "V1_0"])
        #expect(attached["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue == target.function.functionArn)

        let address = "ana-\(UUID().uuidString.prefix(6).lowercased())@example.com"
        let simulate = try await CommandRunner.run(
            smsredirect,
            [
                "simulate", "--user-pool-id", target.poolId, "--bootstrap", try BuiltProducts.path("sender"),
                "--sns-topic-arn", topic, "--channel", "email", "--email", address, "--username", "ana",
                "--trigger", "SignUp", "ForgotPassword", "EMAIL_OTP",
            ])
        #expect(simulate.status == 0, "\(simulate.standardError)")
        #expect(
            simulate.standardOutput.contains("CustomEmailSender_SignUp: the sender published the sign-up verification code for ana (\(address))"),
            "\(simulate.standardOutput)")
        for trigger in ["SignUp", "ForgotPassword", "Authentication"] {
            let wait = try await CommandRunner.run(
                smsredirect,
                [
                    "wait-code", "--queue-url", queue, "--email", address.uppercased(), "--trigger", trigger,
                    "--timeout", "20", "--json",
                ])
            #expect(wait.status == 0, "\(trigger): \(wait.standardError)")
            let record = try JSONValue(data: Data(wait.standardOutput.utf8))
            #expect(
                record["triggerSource"]?.stringValue == "CustomEmailSender_\(trigger)" && record["channel"] == "email"
                    && record["email"]?.stringValue == address)
            #expect(record["code"]?.stringValue?.wholeMatch(of: /[0-9]{6}/) != nil, "\(trigger): a code, not a placeholder")
        }
        // An address is a different filter from a phone: the email codes are not the phone's.
        let byPhone = try await CommandRunner.run(smsredirect, ["wait-code", "--queue-url", queue, "--phone", "+15555550100", "--timeout", "1"])
        #expect(byPhone.status == 2)
        let both = try await CommandRunner.run(smsredirect, ["wait-code", "--queue-url", queue, "--phone", "+15555550100", "--email", address])
        #expect(both.status != 0 && both.standardError.contains("give --phone or --email, not both"), "\(both.standardError)")

        let detach = try await CommandRunner.run(smsredirect, ["detach", "--user-pool-id", target.poolId, "--journal", journal])
        #expect(detach.status == 0, "\(detach.standardError)")
        let restored = try await harness.cognito.describeUserPool(id: target.poolId)
        #expect(restored["LambdaConfig"]["CustomEmailSender"]["LambdaArn"]?.stringValue == ownEmailSender)
        #expect(PoolFixtures.comparable(restored) == PoolFixtures.comparable(target.original))
    }

    /// A setup script run twice: the second attach must not journal the redirected pool as the
    /// original, so that one detach still puts the pool back as it was before the first.
    @Test func attachTwiceThenDetachRestoresThePoolAsItWasBeforeTheFirst() async throws {
        let harness = try await HelperHarness.make()
        let target = try await harness.makeTarget(fixture: "13-prior-custom-sms-sender")
        let smsredirect = try BuiltProducts.path("smsredirect")
        let journal = FileManager.default.temporaryDirectory.appendingPathComponent("cli-journal-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: journal) }
        let attachArguments = [
            "attach", "--user-pool-id", target.poolId, "--sender-arn", target.function.functionArn,
            "--kms-key-arn", target.keyArn, "--layer-arn", target.layerArn, "--journal", journal,
        ]
        for run in 1...2 {
            let attach = try await CommandRunner.run(smsredirect, attachArguments)
            #expect(attach.status == 0, "attach \(run): \(attach.standardError)")
        }
        #expect(
            try await harness.cognito.describeUserPool(id: target.poolId)["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue
                == target.function.functionArn)

        let detach = try await CommandRunner.run(smsredirect, ["detach", "--user-pool-id", target.poolId, "--journal", journal])
        #expect(detach.status == 0, "\(detach.standardError)")
        let restored = try await harness.cognito.describeUserPool(id: target.poolId)
        #expect(PoolFixtures.comparable(restored) == PoolFixtures.comparable(target.original))
        #expect(restored["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue?.contains("old-sms-sender") == true)
        #expect(try await harness.lambda.getFunctionConfiguration(functionName: target.function.functionArn).layers == target.function.layers)
        let again = try await CommandRunner.run(smsredirect, ["detach", "--user-pool-id", target.poolId, "--journal", journal])
        #expect(again.standardError.contains("nothing to detach"), "one detach undid both attaches: \(again.standardError)")
    }
}
