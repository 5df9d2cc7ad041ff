import ArgumentParser
import AWSCore
import AWSServices
import EncryptionSDKKMS
import CustomResource
import Foundation
import LambdaLocal
import LambdaRuntime
import PoolConfig
import PoolJournal
import RedirectClient
import SMSSender

/// `smsredirect demo`: the whole flow against whatever AWS_ENDPOINT_URL names (moto, in `make demo`).
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the whole flow once, narrated: attach, simulate Cognito, read the codes, detach.",
        discussion: "Meant for a local moto server (`make demo` starts one). It creates what the existing-pool template would, plus a user pool, and refuses to run against real AWS unless --allow-aws is given.\n\nExample:\n  make demo            # starts moto, builds, runs this\n  AWS_ENDPOINT_URL=http://127.0.0.1:5000 smsredirect demo")

    @Option(name: .long, help: "The sender bootstrap (default: `sender` beside this executable).") var sender: String?
    @Option(name: .long, help: "The helper bootstrap (default: `helper` beside this executable).") var helper: String?
    @Option(name: .long, help: "The phone number of the demo user.") var phone = "+15555550100"
    @Option(name: .long, help: "The email address subscribed to the topic.") var email = "developer@example.com"
    @Flag(name: .long, help: "Run against real AWS (creates and leaves resources in your account).") var allowAWS = false

    func run() async throws {
        let aws = try CLI.aws()
        guard allowAWS || ProcessInfo.processInfo.environment["AWS_ENDPOINT_URL"] != nil else {
            throw CLIFailure("AWS_ENDPOINT_URL is not set: the demo runs against a local moto server (`make demo` starts one). Pass --allow-aws to run it against your account.")
        }
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let senderPath = sender ?? here.appendingPathComponent("sender").path
        let helperPath = helper ?? here.appendingPathComponent("helper").path
        for path in [senderPath, helperPath] where !FileManager.default.isExecutableFile(atPath: path) {
            throw CLIFailure("\(path) is not built: run `swift build` (make demo does), or pass --sender/--helper")
        }
        var step = Narrator(total: 9)
        step.say("endpoint \(ProcessInfo.processInfo.environment["AWS_ENDPOINT_URL"] ?? "AWS") in \(aws.region)")

        // What the existing-pool template creates.
        let kms = try KMSClient(configuration: aws), sns = try SNSClient(configuration: aws), sqs = try SQSClient(configuration: aws)
        let s3 = try S3Client(configuration: aws), lambda = try LambdaClient(configuration: aws), cognito = try CognitoIdentityProviderClient(configuration: aws)
        let suffix = UUID().uuidString.prefix(6).lowercased()
        let key = try await kms.createKey(description: "CognitoSMSRedirect demo: Cognito encrypts codes with it")
        let topic = try await sns.createTopic(name: "sms-redirect-demo-\(suffix)")
        _ = try await sns.subscribe(topicArn: topic, protocol: "email", endpoint: email, returnSubscriptionArn: false)
        let inbox = try await sqs.createQueue(name: "sms-redirect-inbox-\(suffix)", attributes: ["MessageRetentionPeriod": "86400"])
        let inboxArn = try await sqs.getQueueAttributes(queueUrl: inbox, names: ["QueueArn"])["QueueArn"] ?? ""
        _ = try await sns.subscribe(topicArn: topic, protocol: "sqs", endpoint: inboxArn)
        let bucket = "sms-redirect-journal-\(suffix)"
        try await s3.createBucket(name: bucket)
        let role = try await IAMClient(configuration: aws).createLambdaRole(name: "sms-redirect-demo-sender-\(suffix)")
        let function = try await lambda.createFunction([
            "FunctionName": .string("sms-redirect-demo-sender-\(suffix)"), "Runtime": "provided.al2023", "Handler": "bootstrap", "Role": .string(role),
            "Code": ["ZipFile": .string(Self.emptyZip.base64EncodedString())],
            "Environment": ["Variables": ["KMS_KEY_ARN": .string(key.arn), "SNS_TOPIC_ARN": .string(topic)]],
        ])
        let layer = try await lambda.publishLayerVersion(layerName: "sms-redirect-encryption-sdk-\(suffix)", content: .zipFile(Self.emptyZip),
                                                         compatibleRuntimes: ["provided.al2023"])
        step.say("created the stack's resources: KMS key, SNS topic (emails \(email)), SQS code inbox, journal bucket s3://\(bucket), sender \(function.functionName), layer \(layer.layerVersionArn)")

        let pool = try await cognito.createUserPool(Self.demoPool(name: "sms-redirect-demo-\(suffix)"))
        guard let poolId = pool["Id"]?.stringValue else { throw CLIFailure("CreateUserPool returned no Id") }
        let original = try await cognito.describeUserPool(id: poolId)
        step.say("created user pool \(poolId): SMS MFA required, phone verification, custom password policy, account recovery, tags")

        // CloudFormation's part: a Create event with a presigned response URL, to the helper bootstrap.
        let helperEnvironment = CLI.lambdaEnvironment(["JOURNAL_URI": "s3://\(bucket)/journal/demo.sqlite"])
        let properties: [String: JSONValue] = ["UserPoolId": .string(poolId), "SenderFunctionArn": .string(function.functionArn),
                                               "KmsKeyArn": .string(key.arn), "LayerVersionArn": .string(layer.layerVersionArn)]
        let stackId = "arn:aws:cloudformation:\(aws.region):123456789012:stack/sms-redirect-demo/\(UUID().uuidString.lowercased())"
        let created = try await Self.customResource(.create, properties: properties, physicalId: nil, stackId: stackId, s3: s3, bucket: bucket,
                                                    helper: helperPath, environment: helperEnvironment, region: aws.region)
        guard let attachmentId = created["PhysicalResourceId"]?.stringValue, created["Status"]?.stringValue == "SUCCESS" else {
            throw CLIFailure("the helper's Create failed: \(created["Reason"]?.stringValue ?? "no reason")")
        }
        step.say("helper Create → SUCCESS (response PUT to a presigned S3 URL), attachment \(attachmentId)")

        let attached = try await cognito.describeUserPool(id: poolId)
        guard attached["LambdaConfig"]["CustomSMSSender"]["LambdaArn"]?.stringValue == function.functionArn else {
            throw CLIFailure("the pool's CustomSMSSender does not point at the sender")
        }
        step.say("the pool's CustomSMSSender is \(function.functionName), KMSKeyID \(key.arn); every other setting carried over")

        // Cognito's part, then the inbox.
        let triggers: [TriggerSource] = [.smsSignUp, .smsAuthentication, .smsForgotPassword]
        let send = SimulatedSend(simulator: CognitoSimulator(kmsKeyArn: key.arn, kms: kms), senderBootstrap: senderPath,
                                 environment: CLI.lambdaEnvironment(["KMS_KEY_ARN": key.arn, "SNS_TOPIC_ARN": topic]), functionName: function.functionName, region: aws.region)
        let sent = try await send.run(triggers.map { .init(triggerSource: $0, code: CognitoSimulator.makeCode(), userPoolId: poolId, userName: "demo-user", phoneNumber: phone) })
        guard sent.count == triggers.count, sent.allSatisfy({ if case .response = $0.outcome { true } else { false } }) else {
            throw CLIFailure("the sender failed: \(sent.map(\.outcome))")
        }
        step.say("simulated Cognito: sign-up, MFA sign-in and password reset codes encrypted as Cognito does (suite 0x0378) → the sender published all three")

        let codeInbox = CodeInbox(sqs: sqs, queueUrl: inbox)
        var lines: [String] = []
        for source in triggers {
            let record = try await codeInbox.waitForCode(matching: .init(phoneNumber: phone, trigger: source.event), timeout: .seconds(30))
            lines.append("    \(record.purpose): \(record.code ?? "(no code)")")
        }
        step.say("codes in the inbox (smsredirect wait-code --queue-url \(inbox) --phone \(phone)):\n" + lines.joined(separator: "\n"))

        let deleted = try await Self.customResource(.delete, properties: properties, physicalId: attachmentId, stackId: stackId, s3: s3, bucket: bucket,
                                                    helper: helperPath, environment: helperEnvironment, region: aws.region)
        guard deleted["Status"]?.stringValue == "SUCCESS" else { throw CLIFailure("the helper's Delete failed: \(deleted["Reason"]?.stringValue ?? "")") }
        let restored = try await cognito.describeUserPool(id: poolId)
        let differences = PoolDiff.poolDifferences(from: original, to: restored)
        guard differences.isEmpty else {
            throw CLIFailure("the pool was not restored exactly: \(differences.map(\.path).joined(separator: ", "))")
        }
        step.say("helper Delete → SUCCESS; the pool is exactly as it was before the attach (no differences)")

        let store = try JournalStores.store(for: "s3://\(bucket)/journal/demo.sqlite", s3: s3)
        let entries = try await store.read { try $0.all() }
        step.say("the journal (smsredirect journal list --journal s3://\(bucket)/journal/demo.sqlite):\n" + JournalTable.render(entries))
        print("demo: all steps passed")
    }

    /// Sends one custom resource event to the helper and reads the response CloudFormation would.
    static func customResource(_ type: CustomResourceEvent.RequestType, properties: [String: JSONValue], physicalId: String?, stackId: String,
                               s3: S3Client, bucket: String, helper: String, environment: [String: String], region: String) async throws -> JSONValue {
        let requestId = UUID().uuidString.lowercased()
        let url = try await s3.presignedPutURL(bucket: bucket, key: "cfn-responses/\(requestId)")
        let event = CustomResourceEvent(requestType: type, responseURL: url, stackId: stackId, requestId: requestId, resourceType: "Custom::SMSRedirectAttachment",
                                        logicalResourceId: "SMSRedirectAttachment", physicalResourceId: physicalId, resourceProperties: properties)
        _ = try await LocalInvoker(.init(executable: helper, environment: environment, functionName: "sms-redirect-demo-helper", region: region,
                                         timeout: .seconds(60), output: .standardError)).invoke(event: try event.jsonValue.data())
        return try JSONValue(data: try await s3.getObject(bucket: bucket, key: "cfn-responses/\(requestId)").body)
    }

    /// A realistic pool: what a team testing SMS flows has (phone verification, SMS MFA, …).
    /// No UsernameAttributes: moto drops that create-only member on UpdateUserPool (Cognito keeps it).
    static func demoPool(name: String) -> JSONValue {
        [
            "PoolName": .string(name), "MfaConfiguration": "ON", "AutoVerifiedAttributes": ["phone_number"],
            "SmsConfiguration": ["SnsCallerArn": "arn:aws:iam::123456789012:role/demo-cognito-sms", "ExternalId": "sms-redirect-demo", "SnsRegion": "us-east-1"],
            "SmsAuthenticationMessage": "Your sign-in code is {####}", "SmsVerificationMessage": "Your verification code is {####}",
            "Policies": ["PasswordPolicy": ["MinimumLength": 12, "RequireNumbers": true, "RequireSymbols": true, "RequireUppercase": true, "RequireLowercase": true, "TemporaryPasswordValidityDays": 3]],
            "AccountRecoverySetting": ["RecoveryMechanisms": [["Name": "verified_phone_number", "Priority": 1]]],
            "DeviceConfiguration": ["ChallengeRequiredOnNewDevice": true, "DeviceOnlyRememberedOnUserPrompt": true],
            "UserPoolTags": ["project": "sms-redirect-demo"], "DeletionProtection": "INACTIVE",
        ]
    }

    static let emptyZip = Data([0x50, 0x4B, 0x05, 0x06] + Array(repeating: 0, count: 18))
}

/// Numbered progress lines.
struct Narrator {
    let total: Int
    var current = 0

    mutating func say(_ text: String) {
        current += 1
        print("[\(current)/\(total)] \(text)")
    }
}
