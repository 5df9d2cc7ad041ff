import AWSCore
import AWSServices
import EncryptionSDKKMS
import CustomResource
import Foundation
import LambdaLocal
import LambdaRuntime
import PoolConfig
import RedirectClient
import SMSSender
import Testing
import TestSupport

/// The IAM contract (issue 9 item 3): every AWS call the built sender and helper make, as moto's
/// recorder saw it, mapped to what IAM checks (those checked on their behalf included), against both
/// templates' policies resolved for a stack standing in for what the run used. Fails on an action
/// that is needed and not allowed, and on an Allow that no call used. The runs here are the
/// debug bootstraps, each with its own access key id; the bare-root runs of the shipped zips
/// (PackagingTests) can call `IAMContract.check` on theirs the same way.
@Suite(.serialized, .needsMoto)
struct IAMContractTests {
    static let senderKey = "AKIDCONTRACTSENDER"
    /// The sender with RedirectOnly: a test number's code to the topic, a real number's SMS.
    static let senderRedirectOnlyKey = "AKIDCONTRACTSENDERRO"
    static let redirectOnly = "+1555"
    static let helperKey = "AKIDCONTRACTHELPER"
    static let helperNoRoleKey = "AKIDCONTRACTHELPERNOROLE"
    static let helperFunctionName = "sms-redirect-helper"
    /// The templates; IAM_CONTRACT_TEMPLATES names another folder of JSON twins (to show the test bites
    /// on an edited copy without touching cfn/, which other tests read meanwhile).
    static let root =
        ProcessInfo.processInfo.environment["IAM_CONTRACT_TEMPLATES"].map { URL(fileURLWithPath: $0) }
        ?? BuiltProducts.packageRoot.appendingPathComponent("cfn")

    /// What one run stands in for: the template's resources, as moto made them.
    struct Run {
        var stack: IAMContract.Stack
        var senderFunctionName: String
        var poolWithRole: String
        var poolWithoutRole: String
        var smsRole: String
        /// Where Lambda sends the sender's on-failure records (the templates' SenderFailures queue).
        var senderFailuresArn: String
    }

    func stack(_ base: IAMContract.Stack, _ parameters: [String: String]) -> IAMContract.Stack {
        var stack = base
        stack.parameters.merge(parameters) { $1 }
        return stack
    }

    @Test func bothTemplatesGrantExactlyWhatTheLambdasCall() async throws {
        let recording = ProcessInfo.processInfo.environment["MOTO_RECORDING_FILE"]
        try #require(recording?.isEmpty == false, "MOTO_RECORDING_FILE is not set: run under scripts/with-moto.sh (make test does)")
        let run = try await runBothLambdas()

        let existing = Self.root.appendingPathComponent("existing-user-pool.json").path
        let new = Self.root.appendingPathComponent("new-user-pool.json").path
        var reports: [IAMContract.Report] = []
        for encrypted in ["false", "true"] {
            reports.append(
                try IAMContract.check(
                    recordingFile: recording, senderAccessKeyId: Self.senderKey, helperAccessKeyId: Self.helperKey, templateFile: existing,
                    stack: stack(run.stack, ["UserPoolId": run.poolWithRole, "SMSRoleArn": run.smsRole, "OptInSNSTopicEncryptionInput": encrypted]),
                    senderFunctionName: run.senderFunctionName, helperFunctionName: Self.helperFunctionName,
                    senderOnFailureDestination: run.senderFailuresArn, variant: "SMSRoleArn set, topic encryption \(encrypted)"))
            reports.append(
                try IAMContract.check(
                    recordingFile: recording, senderAccessKeyId: Self.senderKey, helperAccessKeyId: Self.helperNoRoleKey, templateFile: existing,
                    stack: stack(run.stack, ["UserPoolId": run.poolWithoutRole, "SMSRoleArn": "", "OptInSNSTopicEncryptionInput": encrypted]),
                    senderFunctionName: run.senderFunctionName, helperFunctionName: Self.helperFunctionName,
                    senderOnFailureDestination: run.senderFailuresArn, variant: "SMSRoleArn empty (a pool without an SMS role), topic encryption \(encrypted)"))
            var newStack = stack(run.stack, ["OptInSNSTopicEncryptionInput": encrypted])
            newStack.refs["UserPool"] = run.poolWithRole
            newStack.attributes["UserPoolSMSRole.Arn"] = run.smsRole
            reports.append(
                try IAMContract.check(
                    recordingFile: recording, senderAccessKeyId: Self.senderKey, helperAccessKeyId: Self.helperKey, templateFile: new,
                    stack: newStack, senderFunctionName: run.senderFunctionName, helperFunctionName: Self.helperFunctionName,
                    senderOnFailureDestination: run.senderFailuresArn, variant: "topic encryption \(encrypted)"))
        }
        // RedirectOnly: the sender also reads the pool's templates and sends SMS to the other numbers.
        reports.append(
            try IAMContract.check(
                recordingFile: recording, senderAccessKeyId: Self.senderRedirectOnlyKey, helperAccessKeyId: Self.helperKey, templateFile: existing,
                stack: stack(run.stack, ["UserPoolId": run.poolWithRole, "SMSRoleArn": run.smsRole, "RedirectOnly": Self.redirectOnly]),
                senderFunctionName: run.senderFunctionName, helperFunctionName: Self.helperFunctionName,
                senderOnFailureDestination: run.senderFailuresArn, variant: "SMSRoleArn set, RedirectOnly \(Self.redirectOnly)"))
        var newRedirectOnly = stack(run.stack, ["RedirectOnly": Self.redirectOnly])
        newRedirectOnly.refs["UserPool"] = run.poolWithRole
        newRedirectOnly.attributes["UserPoolSMSRole.Arn"] = run.smsRole
        reports.append(
            try IAMContract.check(
                recordingFile: recording, senderAccessKeyId: Self.senderRedirectOnlyKey, helperAccessKeyId: Self.helperKey, templateFile: new,
                stack: newRedirectOnly, senderFunctionName: run.senderFunctionName, helperFunctionName: Self.helperFunctionName,
                senderOnFailureDestination: run.senderFailuresArn, variant: "RedirectOnly \(Self.redirectOnly)"))
        for report in reports {
            print(report)
            #expect(report.passed, "\(report)")
        }
        // The calls that matter were seen, so that the pass above means something.
        let helperNeeds = Set(reports[0].rows.filter { $0.lambda == "helper" }.map(\.need.action))
        #expect(
            helperNeeds.isSuperset(of: [
                "kms:CreateGrant", "iam:PassRole", "lambda:GetLayerVersion", "cognito-idp:UpdateUserPool", "s3:PutObject", "s3:ListBucket", "sns:Publish",
            ]), "\(helperNeeds)")
        let encryptedHelper = Set(reports[3].rows.filter { $0.lambda == "helper" }.map(\.need.action))
        #expect(encryptedHelper.isSuperset(of: ["sns:Publish", "kms:GenerateDataKey"]), "the watch's notice to an encrypted topic: \(encryptedHelper)")
        let encryptedSender = Set(reports[3].rows.filter { $0.lambda == "sender" }.map(\.need.action))
        #expect(encryptedSender.isSuperset(of: ["kms:Decrypt", "sns:Publish", "kms:GenerateDataKey", "sqs:SendMessage"]), "\(encryptedSender)")
        let redirectOnlySender = Set(reports[6].rows.filter { $0.lambda == "sender" }.map { "\($0.need.action) \($0.need.resource)" })
        #expect(
            redirectOnlySender.contains("sns:Publish *") && redirectOnlySender.contains { $0.hasPrefix("cognito-idp:DescribeUserPool ") },
            "\(redirectOnlySender)")
    }

    @Test func aMissingRecordingFailsLoudly() throws {
        #expect(throws: IAMContract.Unusable.self) {
            try IAMContract.check(
                recordingFile: nil, senderAccessKeyId: "a", helperAccessKeyId: "b", templateFile: "x", stack: .init(),
                senderFunctionName: "s", helperFunctionName: "h")
        }
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("empty-\(UUID().uuidString).jsonl")
        try Data().write(to: empty)
        defer { try? FileManager.default.removeItem(at: empty) }
        #expect(throws: IAMContract.Unusable.self) {
            try IAMContract.check(
                recordingFile: empty.path, senderAccessKeyId: "a", helperAccessKeyId: "b",
                templateFile: Self.root.appendingPathComponent("existing-user-pool.json").path,
                stack: .init(parameters: ["UserPoolId": "us-east-1_X", "EmailAddress": "a@b.c"]), senderFunctionName: "s", helperFunctionName: "h")
        }
    }

    // MARK: The runs

    /// Makes on moto what the existing-pool template would, then runs the built helper (Create and
    /// Delete on a pool with an SMS role, then on one without) and the built sender (one code).
    func runBothLambdas() async throws -> Run {
        let kms = try KMSClient(configuration: Moto.configuration())
        let cognito = try CognitoIdentityProviderClient(configuration: Moto.configuration())
        let lambda = try LambdaClient(configuration: Moto.configuration())
        let sns = try SNSClient(configuration: Moto.configuration())
        let sqs = try SQSClient(configuration: Moto.configuration())

        let key = try await kms.createKey(description: "IAM contract code key")
        let withRole = try await cognito.createUserPool(try PoolFixtures.createRequest("02-phone-username-sms-mfa-on", kmsKeyArn: key.arn))
        let withoutRole = try await cognito.createUserPool(try PoolFixtures.createRequest("01-minimal", kmsKeyArn: key.arn))
        let poolWithRole = try #require(withRole["Id"]?.stringValue), poolWithoutRole = try #require(withoutRole["Id"]?.stringValue)
        let smsRole = try #require(try await cognito.describeUserPool(id: poolWithRole)["SmsConfiguration"]["SnsCallerArn"]?.stringValue)
        let function = try await MotoResources.makeFunction()
        let layer = try await lambda.publishLayerVersion(layerName: Moto.uniqueName("encryption-sdk"), content: .zipFile(MotoResources.emptyZip))
        let bucket = try await MotoResources.makeBucket("journal")
        let topic = try await sns.createTopic(name: Moto.uniqueName("codes"))
        let queue = try await sqs.createQueue(name: Moto.uniqueName("inbox"))
        let queueArn = try #require(try await sqs.getQueueAttributes(queueUrl: queue, names: ["QueueArn"])["QueueArn"])
        _ = try await sns.subscribe(topicArn: topic, protocol: "sqs", endpoint: queueArn)
        let failures = try await sqs.createQueue(name: Moto.uniqueName("sender-failures"))
        let failuresArn = try #require(try await sqs.getQueueAttributes(queueUrl: failures, names: ["QueueArn"])["QueueArn"])

        let stack = IAMContract.Stack(
            name: Moto.uniqueName("iam-contract"),
            parameters: ["EmailAddress": "codes@example.com"],
            refs: [
                "CodeKey": key.keyId, "SenderFunction": function.functionName, "HelperFunction": Self.helperFunctionName,
                "EncryptionSdkLayer": layer.layerVersionArn, "JournalBucket": bucket, "Topic": topic, "CodeInbox": queue, "SenderFailures": failures,
            ],
            attributes: ["CodeKey.Arn": key.arn, "SenderFunction.Arn": function.functionArn, "CodeInbox.Arn": queueArn, "SenderFailures.Arn": failuresArn])
        let run = Run(
            stack: stack, senderFunctionName: function.functionName, poolWithRole: poolWithRole, poolWithoutRole: poolWithoutRole, smsRole: smsRole,
            senderFailuresArn: failuresArn)

        // The helper, as the existing-pool template configures and calls it.
        let template = Self.root.appendingPathComponent("existing-user-pool.json").path
        for (pool, role, accessKey) in [(poolWithRole, smsRole, Self.helperKey), (poolWithoutRole, "", Self.helperNoRoleKey)] {
            let resolved = try IAMContract.policies(
                templateFile: template, stack: self.stack(stack, ["UserPoolId": pool, "SMSRoleArn": role, "KeepRedirect": "true"])
            ).resources
            let variables = resolved["HelperFunction"]?["Environment"]["Variables"]
            let journalURI = try #require(variables?["JOURNAL_URI"]?.stringValue)
            let properties = try #require(resolved["SMSRedirectAttachment"]?.objectValue)
            let inbox = try ResponseInbox(bucket: bucket)
            let stackId = "arn:aws:cloudformation:us-east-1:\(Moto.accountId):stack/\(stack.name)/\(UUID().uuidString.lowercased())"
            func event(_ type: CustomResourceEvent.RequestType, physicalId: String? = nil) async throws -> CustomResourceEvent {
                let requestId = UUID().uuidString
                let url = try await inbox.url(for: requestId)
                if let signature = url.components(separatedBy: "X-Amz-Signature=").last { SecretLedger.record(.responseURLSignature, signature) }
                return CustomResourceEvent(
                    requestType: type, responseURL: url, stackId: stackId, requestId: requestId, resourceType: "Custom::SMSRedirectAttachment",
                    logicalResourceId: "SMSRedirectAttachment", physicalResourceId: physicalId, resourceProperties: properties)
            }
            // The helper's whole environment as the template sets it, the watch's variables among them.
            var environment = ["AWS_ENDPOINT_URL": try Moto.endpoint(), "AWS_ACCESS_KEY_ID": accessKey, "AWS_SECRET_ACCESS_KEY": "contract"]
            for name in ["JOURNAL_URI", "USER_POOL_ID", "NOTICE_TOPIC_ARN", "KEEP_REDIRECT", "HELPER_ROLE_ARN"] {
                environment[name] = try #require(variables?[name]?.stringValue, "the template sets no \(name)")
            }
            let helper = LocalInvoker(
                .init(
                    executable: try BuiltProducts.path("helper"), environment: environment, inheritEnvironment: false,
                    functionName: Self.helperFunctionName, region: "us-east-1", timeout: .seconds(120), output: .standardError))
            let create = try await event(.create)
            _ = try await helper.invoke(event: try create.jsonValue.data())
            let created = try await inbox.response(for: create.requestId)
            try #require(created["Status"]?.stringValue == "SUCCESS", "Create on \(pool): \(created["Reason"]?.stringValue ?? "")")
            // The app's own deploy wipes the redirect (another caller's key); the watch puts it back
            // and tells the topic: CloudTrail's record of that call, as EventBridge delivers it.
            var wipe = try UpdateUserPoolRequest.carryingOver(try await cognito.describeUserPool(id: pool))
            wipe["LambdaConfig"] = nil
            try await cognito.updateUserPool(wipe)
            let watched = try await helper.invoke(event: try WatchFixtures.cloudTrailRecord(poolId: pool).data())
            guard case let .response(answer) = watched.outcome, (try? JSONValue(data: answer))?["status"] == "WATCH_REATTACHED" else {
                throw IAMContract.Unusable("the watch did not put the redirect back on \(pool): \(watched.outcome)")
            }
            let delete = try await event(.delete, physicalId: created["PhysicalResourceId"]?.stringValue)
            _ = try await helper.invoke(event: try delete.jsonValue.data())
            let deleted = try await inbox.response(for: delete.requestId)
            try #require(deleted["Status"]?.stringValue == "SUCCESS", "Delete on \(pool): \(deleted["Reason"]?.stringValue ?? "")")
        }

        // The sender, as the template configures it, for one code Cognito encrypted.
        let code = "contract-\(UUID().uuidString.prefix(12))"
        let event = try await CognitoSimulator(kmsKeyArn: key.arn, kms: kms).event(
            triggerSource: .smsSignUp, code: code, userPoolId: poolWithRole,
            userName: "contract", phoneNumber: "+15555550123", region: "us-east-1")
        SecretLedger.record(.code, code)
        SecretLedger.record(.ciphertext, String((event.request.code ?? "").prefix(40)))
        let sender = LocalInvoker(
            .init(
                executable: try BuiltProducts.path("sender"),
                environment: [
                    "KMS_KEY_ARN": key.arn, "SNS_TOPIC_ARN": topic, "AWS_ENDPOINT_URL": try Moto.endpoint(),
                    "AWS_ACCESS_KEY_ID": Self.senderKey, "AWS_SECRET_ACCESS_KEY": "contract",
                ],
                inheritEnvironment: false, functionName: function.functionName, region: "us-east-1", timeout: .seconds(60), output: .standardError))
        let report = try await sender.invoke(event: try event.jsonValue.data())
        guard case .response = report.outcome else { throw IAMContract.Unusable("the sender did not deliver: \(report.outcome)") }

        // The sender with RedirectOnly: a test number's code (to the topic) and a real number's (an SMS).
        var events: [Data] = []
        for number in ["+15555550123", "+447700900123"] {
            let code = "contract-\(UUID().uuidString.prefix(12))"
            SecretLedger.record(.code, code)
            let event = try await CognitoSimulator(kmsKeyArn: key.arn, kms: kms).event(
                triggerSource: .smsSignUp, code: code, userPoolId: poolWithRole, userName: "contract", phoneNumber: number, region: "us-east-1")
            SecretLedger.record(.ciphertext, String((event.request.code ?? "").prefix(40)))
            events.append(try event.jsonValue.data())
        }
        let redirectOnlySender = LocalInvoker(
            .init(
                executable: try BuiltProducts.path("sender"),
                environment: [
                    "KMS_KEY_ARN": key.arn, "SNS_TOPIC_ARN": topic, "REDIRECT_ONLY": Self.redirectOnly, "AWS_ENDPOINT_URL": try Moto.endpoint(),
                    "AWS_ACCESS_KEY_ID": Self.senderRedirectOnlyKey, "AWS_SECRET_ACCESS_KEY": "contract",
                ],
                inheritEnvironment: false, functionName: function.functionName, region: "us-east-1", timeout: .seconds(60), output: .standardError))
        let both = try await redirectOnlySender.invoke(events: events)
        guard both.outcomes.count == 2, both.outcomes.allSatisfy({ $0.isSuccess }) else {
            throw IAMContract.Unusable("the RedirectOnly sender did not deliver: \(both.outcomes)")
        }
        return run
    }
}
