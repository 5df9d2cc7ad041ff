import AWSCore
import AWSServices
import CustomResource
import Doctor
import Foundation
import LambdaLocal
import PoolConfig
import PoolJournal
import RedirectClient
import SMSSender

/// `smsredirect demo`: the whole flow once, narrated, against whatever the configuration points
/// at (moto, in `make demo`). What the stack would create, the helper's Create as CloudFormation
/// sends it, Cognito's encrypted codes by SMS and by email, the inbox, `doctor`, the Delete that
/// restores the pool exactly, and the journal.
public struct DemoScenario: Sendable {
    /// The AWS configuration every call uses.
    public var aws: AWSClientConfiguration
    /// The sender bootstrap, run here as Lambda would.
    public var senderBootstrap: String
    /// The helper bootstrap, run here as Lambda would.
    public var helperBootstrap: String
    /// The environment the bootstraps get besides their own settings (credentials, region, endpoint).
    public var lambdaEnvironment: [String: String]
    /// The demo user's phone number.
    public var phone: String
    /// The address subscribed to the topic, and the demo user's email.
    public var email: String

    /// A scenario; nothing runs until ``run(say:)``.
    public init(
        aws: AWSClientConfiguration, senderBootstrap: String, helperBootstrap: String, lambdaEnvironment: [String: String],
        phone: String = "+15555550100", email: String = "developer@example.com"
    ) {
        self.aws = aws
        self.senderBootstrap = senderBootstrap
        self.helperBootstrap = helperBootstrap
        self.lambdaEnvironment = lambdaEnvironment
        self.phone = phone
        self.email = email
    }

    /// The number of steps ``run(say:)`` narrates.
    public static let steps = 10

    /// Runs every step, calling `say` with each step's line; throws ``DemoFailure`` at the first
    /// step that does not come out as it should. Returns doctor's report of the attached setup.
    @discardableResult
    public func run(endpoint: String, say: (String) -> Void) async throws -> DoctorReport {
        say("endpoint \(endpoint) in \(aws.region)")
        let kms = try KMSClient(configuration: aws), sqs = try SQSClient(configuration: aws), s3 = try S3Client(configuration: aws)
        let cognito = try CognitoIdentityProviderClient(configuration: aws)

        let stack = try await DemoStack.create(aws: aws, email: email)
        say(
            "created the stack's resources: KMS key (Cognito encrypts, only the sender's role decrypts), SNS topic (emails \(email)), SQS code inbox (only the topic delivers), sender-failures queue, journal bucket s3://\(stack.bucket), sender \(stack.sender.functionName) (Cognito may invoke it for this pool), layer \(stack.layerVersionArn)"
        )
        let original = try await cognito.describeUserPool(id: stack.poolId)
        say(
            "created user pool \(stack.poolId): SMS MFA required, phone and email verification, recovery by phone then email, custom password policy, tags, and its own email sending"
        )

        // CloudFormation's part: a Create event with a presigned response URL, to the helper bootstrap.
        let helperEnvironment = lambdaEnvironment.merging(["JOURNAL_URI": stack.journalURI]) { _, ours in ours }
        let properties: [String: JSONValue] = [
            "UserPoolId": .string(stack.poolId), "SenderFunctionArn": .string(stack.sender.functionArn),
            "KmsKeyArn": .string(stack.keyArn), "LayerVersionArn": .string(stack.layerVersionArn), "RedirectEmail": "true",
        ]
        let stackId = "arn:aws:cloudformation:\(aws.region):123456789012:stack/sms-redirect-demo/\(UUID().uuidString.lowercased())"
        let resource = CustomResourceInvocation(
            s3: s3, bucket: stack.bucket, helper: helperBootstrap, environment: helperEnvironment, region: aws.region, stackId: stackId)
        let created = try await resource.send(.create, properties: properties, physicalId: nil)
        guard let attachmentId = created["PhysicalResourceId"]?.stringValue, created["Status"]?.stringValue == "SUCCESS" else {
            throw DemoFailure("the helper's Create failed: \(created["Reason"]?.stringValue ?? "no reason")")
        }
        say("helper Create (RedirectEmail true) → SUCCESS (response PUT to a presigned S3 URL), attachment \(attachmentId)")

        let attached = try await cognito.describeUserPool(id: stack.poolId)
        for member in ["CustomSMSSender", "CustomEmailSender"] where attached["LambdaConfig"][member]["LambdaArn"]?.stringValue != stack.sender.functionArn {
            throw DemoFailure("the pool's \(member) does not point at the sender")
        }
        say("the pool's CustomSMSSender and CustomEmailSender are \(stack.sender.functionName), KMSKeyID \(stack.keyArn); every other setting carried over")

        // Cognito's part, then the inbox.
        let send = SimulatedSend(
            simulator: CognitoSimulator(kmsKeyArn: stack.keyArn, kms: kms), senderBootstrap: senderBootstrap,
            environment: lambdaEnvironment.merging(["KMS_KEY_ARN": stack.keyArn, "SNS_TOPIC_ARN": stack.topicArn]) { _, ours in ours },
            functionName: stack.sender.functionName, region: aws.region)
        let requests: [SimulatedSend.Request] =
            [TriggerSource.smsSignUp, .smsAuthentication, .smsForgotPassword].map {
                .init(triggerSource: $0, code: CognitoSimulator.makeCode(), userPoolId: stack.poolId, userName: "demo-user", phoneNumber: phone, email: email)
            } + [
                .init(
                    triggerSource: .emailSignUp, code: CognitoSimulator.makeCode(), userPoolId: stack.poolId, userName: "demo-user", phoneNumber: phone,
                    email: email)
            ]
        let sent = try await send.run(requests)
        guard sent.count == requests.count, sent.allSatisfy({ if case .response = $0.outcome { true } else { false } }) else {
            throw DemoFailure("the sender failed: \(sent.map(\.outcome))")
        }
        say(
            "simulated Cognito: sign-up, MFA sign-in and password reset codes by SMS, and a sign-up code by email, encrypted as Cognito does (suite 0x0378) → the sender published all four"
        )

        let inbox = CodeInbox(sqs: sqs, queueUrl: stack.inboxUrl)
        var lines: [String] = []
        for request in requests {
            let filter: CodeInbox.Filter =
                request.triggerSource.channel == .email
                ? .init(email: email, trigger: request.triggerSource.event) : .init(phoneNumber: phone, trigger: request.triggerSource.event)
            let record = try await inbox.waitForCode(matching: filter, timeout: .seconds(30))
            guard record.code == request.code else { throw DemoFailure("the inbox holds \(record.purpose) but not the code that was sent") }
            lines.append("    \(record.channel.rawValue) \(record.purpose): \(record.code ?? "(no code)")")
        }
        say("codes in the inbox (smsredirect wait-code --queue-url \(stack.inboxUrl) --phone \(phone), or --email \(email)):\n" + lines.joined(separator: "\n"))

        let journal = try JournalStores.store(for: stack.journalURI, s3: s3)
        let report = await (try Doctor(configuration: aws)).examine(stack.doctorTarget(journal: journal))
        guard report.healthy else { throw DemoFailure("doctor found the demo's setup broken:\n\(report.text)") }
        say(
            "smsredirect doctor --user-pool-id \(stack.poolId) --sender-arn \(stack.sender.functionArn) --journal \(stack.journalURI):\n"
                + report.text.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n"))

        let deleted = try await resource.send(.delete, properties: properties, physicalId: attachmentId)
        guard deleted["Status"]?.stringValue == "SUCCESS" else { throw DemoFailure("the helper's Delete failed: \(deleted["Reason"]?.stringValue ?? "")") }
        let differences = PoolDiff.poolDifferences(from: original, to: try await cognito.describeUserPool(id: stack.poolId))
        guard differences.isEmpty else {
            throw DemoFailure("the pool was not restored exactly: \(differences.map(\.path).joined(separator: ", "))")
        }
        say("helper Delete → SUCCESS; the pool is exactly as it was before the attach (no differences), its own email sending back")

        let entries = try await journal.read { try $0.all() }
        say("the journal (smsredirect journal list --journal \(stack.journalURI)):\n" + JournalTable.render(entries))
        return report
    }
}

/// One custom resource event to the helper bootstrap, answered the way CloudFormation reads it:
/// the response the helper PUTs to a presigned S3 URL.
public struct CustomResourceInvocation: Sendable {
    /// Where the presigned response URLs point.
    public var s3: S3Client
    /// The bucket the responses land in.
    public var bucket: String
    /// The helper bootstrap.
    public var helper: String
    /// The helper's environment.
    public var environment: [String: String]
    /// The region the helper runs in.
    public var region: Region
    /// The stack the events name.
    public var stackId: String

    /// An invocation target.
    public init(s3: S3Client, bucket: String, helper: String, environment: [String: String], region: Region, stackId: String) {
        self.s3 = s3
        self.bucket = bucket
        self.helper = helper
        self.environment = environment
        self.region = region
        self.stackId = stackId
    }

    /// Sends one event and returns the response body the helper sent.
    public func send(_ type: CustomResourceEvent.RequestType, properties: [String: JSONValue], physicalId: String?) async throws -> JSONValue {
        let requestId = UUID().uuidString.lowercased()
        let url = try await s3.presignedPutURL(bucket: bucket, key: "cfn-responses/\(requestId)")
        let event = CustomResourceEvent(
            requestType: type, responseURL: url, stackId: stackId, requestId: requestId, resourceType: "Custom::SMSRedirectAttachment",
            logicalResourceId: "SMSRedirectAttachment", physicalResourceId: physicalId, resourceProperties: properties)
        _ = try await LocalInvoker(
            .init(
                executable: helper, environment: environment, functionName: "sms-redirect-demo-helper", region: region.rawValue,
                timeout: .seconds(60), output: .standardError)
        ).invoke(event: try event.jsonValue.data())
        return try JSONValue(data: try await s3.getObject(bucket: bucket, key: "cfn-responses/\(requestId)").body)
    }
}
