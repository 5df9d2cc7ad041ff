import AWSCore
import AWSServices
import Doctor
import Foundation
import PoolConfig
import PoolJournal
import RedirectClient
import SMSSender
import StackDeploy

/// `smsredirect demo`: the whole flow once, narrated, against whatever the configuration points
/// at (ministack, in `make demo`). A user pool a team testing SMS flows would have; the
/// existing-pool template deployed through CloudFormation from the packaged Lambda zips, each
/// stack event shown as it arrives; Cognito's encrypted codes by SMS and by email sent to the
/// deployed sender; the inbox; `doctor --stack`; the stack's Delete, which restores the pool
/// exactly; and the journal.
public struct DemoScenario: Sendable {
    /// The AWS configuration every call uses.
    public var aws: AWSClientConfiguration
    /// The existing-pool template, as JSON (`cfn/existing-user-pool.json`).
    public var template: URL
    /// The folder holding the Lambda zips (`dist/`, which `make package` or `make test-package` writes).
    public var artifacts: URL
    /// The demo user's phone number.
    public var phone: String
    /// The address subscribed to the topic, and the demo user's email.
    public var email: String

    /// A scenario; nothing runs until ``run(endpoint:say:progress:)``.
    public init(aws: AWSClientConfiguration, template: URL, artifacts: URL, phone: String = "+15555550100", email: String = "developer@example.com") {
        self.aws = aws
        self.template = template
        self.artifacts = artifacts
        self.phone = phone
        self.email = email
    }

    /// The number of steps ``run(endpoint:say:progress:)`` narrates.
    public static let steps = 10

    /// Runs every step, calling `say` with each step's line and `progress` with each stack event
    /// as it arrives; throws ``DemoFailure`` at the first step that does not come out as it
    /// should. Returns doctor's report of the deployed stack.
    @discardableResult
    public func run(endpoint: String, say: (String) -> Void, progress: (String) -> Void = { _ in }) async throws -> DoctorReport {
        say("endpoint \(endpoint) in \(aws.region)")
        let clients = try Clients(aws)
        let suffix = String(UUID().uuidString.prefix(6).lowercased())
        let stackName = "sms-redirect-demo-\(suffix)"

        let pool = try await createPool(clients, name: "sms-redirect-demo-\(suffix)", say: say)
        let packaged = try await uploadAndPackage(clients, bucket: "sms-redirect-demo-artifacts-\(suffix)", say: say)
        let deployed = try await deploy(packaged, as: stackName, on: pool, clients, say: say, progress: progress)
        try await checkAttached(deployed, to: pool, clients, say: say)
        let sent = try await sendCodes(through: deployed, to: pool, clients, say: say)
        try await readInbox(of: deployed, expecting: sent, clients, say: say)
        let journal = try JournalStores.store(for: deployed.journalURI, s3: clients.s3)
        let report = try await examine(deployed, journal: journal, say: say)
        try await deleteAndCheckRestore(deployed, pool: pool, clients, say: say, progress: progress)
        let entries = try await journal.read { try $0.all() }
        say("the journal, kept with its bucket after the stack (smsredirect journal list --journal \(deployed.journalURI)):\n" + JournalTable.render(entries))
        return report
    }

    /// The clients the steps share.
    struct Clients {
        let kms: KMSClient, sqs: SQSClient, s3: S3Client, cognito: CognitoIdentityProviderClient, lambda: LambdaClient
        let deployer: StackDeployer

        init(_ aws: AWSClientConfiguration) throws {
            kms = try KMSClient(configuration: aws)
            sqs = try SQSClient(configuration: aws)
            s3 = try S3Client(configuration: aws)
            cognito = try CognitoIdentityProviderClient(configuration: aws)
            lambda = try LambdaClient(configuration: aws)
            deployer = StackDeployer(cloudFormation: try CloudFormationClient(configuration: aws), s3: s3)
        }
    }

    /// The demo's pool as created: what the Delete must restore exactly.
    struct CreatedPool {
        let id: String
        let original: JSONValue
        let originalMfa: JSONValue
    }

    /// The deployed stack and the outputs the steps use.
    struct DeployedDemo {
        let name: String
        let stack: DeployedStack
        let senderName: String
        let keyArn: String
        let inboxUrl: String
        let journalURI: String
    }

    private func createPool(_ clients: Clients, name: String, say: (String) -> Void) async throws -> CreatedPool {
        let poolId = try await DemoPool.create(cognito: clients.cognito, name: name)
        let pool = CreatedPool(
            id: poolId, original: try await clients.cognito.describeUserPool(id: poolId),
            originalMfa: try await clients.cognito.getUserPoolMfaConfig(id: poolId))
        say(
            "created user pool \(poolId): SMS MFA required, its own SMS role, phone and email verification, recovery by phone then email, custom password policy, tags, and its own email sending"
        )
        return pool
    }

    private func uploadAndPackage(_ clients: Clients, bucket: String, say: (String) -> Void) async throws -> JSONValue {
        try await clients.s3.createBucket(name: bucket)
        let packaged: JSONValue
        do {
            let locations = try await clients.deployer.uploadArtifacts(from: artifacts, bucket: bucket, keyPrefix: "demo")
            packaged = try TemplatePackaging.package(try JSONValue(data: Data(contentsOf: template))) { locations[$0]! }
        } catch let missing as MissingArtifact {
            throw DemoFailure(missing.description)
        } catch let error as TemplatePackagingError {
            throw DemoFailure("\(template.path): \(error)")
        }
        say(
            "uploaded \(LambdaArtifact.allCases.map(\.fileName).joined(separator: ", ")) from \(artifacts.path) to s3://\(bucket)/demo/, and packaged \(template.lastPathComponent) to deploy them"
        )
        return packaged
    }

    private func deploy(
        _ packaged: JSONValue, as stackName: String, on pool: CreatedPool, _ clients: Clients, say: (String) -> Void, progress: (String) -> Void
    ) async throws -> DeployedDemo {
        let started = ContinuousClock.now
        let created = try await clients.deployer.create(
            stack: stackName, template: packaged,
            parameters: ["UserPoolId": pool.id, "EmailAddress": email, "RedirectEmail": "true", "SMSRoleArn": DemoPool.smsRoleArn],
            progress: { progress(Self.line($0)) })
        guard created.succeeded else { throw DemoFailure("the stack's Create ended \(created.stack.status): \(Self.cause(created))") }
        let outputs = created.stack.outputs
        guard let stack = DeployedStack(created.stack), let senderName = outputs["SenderFunctionName"], let keyArn = outputs["KmsKeyArn"],
            let inboxUrl = outputs["CodeInboxQueueUrl"]
        else { throw DemoFailure("the stack \(stackName) lacks the outputs the template declares: \(outputs.keys.sorted())") }
        guard let journalURI = stack.journalURI else { throw DemoFailure("the stack has no JournalBucketName output") }
        say(
            "CloudFormation CreateStack \(stackName) → \(created.stack.status) in \(Self.seconds(since: started)): \(Set(created.events.map(\.logicalResourceId)).count - 1) resources, the helper's custom resource among them"
        )
        return DeployedDemo(name: stackName, stack: stack, senderName: senderName, keyArn: keyArn, inboxUrl: inboxUrl, journalURI: journalURI)
    }

    private func checkAttached(_ deployed: DeployedDemo, to pool: CreatedPool, _ clients: Clients, say: (String) -> Void) async throws {
        let sender = try await clients.lambda.getFunctionConfiguration(functionName: deployed.senderName)
        let attached = try await clients.cognito.describeUserPool(id: pool.id)
        for trigger in CustomSenderTrigger.allCases where attached.lambdaConfig.senderArn(trigger) != sender.functionArn {
            throw DemoFailure("the pool's \(trigger.rawValue) does not point at the deployed sender \(sender.functionArn)")
        }
        guard attached.lambdaConfig.kmsKeyID == deployed.keyArn else { throw DemoFailure("the pool's KMSKeyID is not the stack's key \(deployed.keyArn)") }
        let others = PoolDiff.poolDifferences(from: pool.original, to: attached).filter { !$0.path.hasPrefix("LambdaConfig") }
        guard others.isEmpty else { throw DemoFailure("the attach changed more than LambdaConfig: \(others.map(\.path).joined(separator: ", "))") }
        guard !sender.layers.isEmpty else { throw DemoFailure("the helper did not put the Encryption SDK layer on \(deployed.senderName)") }
        say(
            "the helper attached: the pool's CustomSMSSender and CustomEmailSender are \(deployed.senderName), KMSKeyID the stack's key, every other setting as it was; the sender has the layer \(sender.layers.joined(separator: ", "))"
        )
    }

    /// Cognito's part: ministack's Cognito does not invoke custom senders, so the codes are
    /// encrypted here exactly as Cognito encrypts them and sent to the deployed sender the way
    /// Cognito sends them, as asynchronous invocations. Returns each trigger with its code.
    private func sendCodes(through deployed: DeployedDemo, to pool: CreatedPool, _ clients: Clients, say: (String) -> Void) async throws -> [(
        TriggerSource, String
    )] {
        let simulator = CognitoSimulator(kmsKeyArn: deployed.keyArn, kms: clients.kms)
        let requests: [(TriggerSource, String)] = [
            (.smsSignUp, CognitoSimulator.makeCode()), (.smsAuthentication, CognitoSimulator.makeCode()),
            (.smsForgotPassword, CognitoSimulator.makeCode()), (.emailSignUp, CognitoSimulator.makeCode()),
        ]
        for (trigger, code) in requests {
            let event = try await simulator.event(
                triggerSource: trigger, code: code, userPoolId: pool.id, userName: "demo-user", phoneNumber: phone, email: email, region: aws.region)
            let invocation = try await clients.lambda.invoke(functionName: deployed.senderName, payload: try event.jsonValue.data(), type: .event)
            guard invocation.statusCode == 202 else { throw DemoFailure("Lambda did not queue the \(trigger.rawValue) event: HTTP \(invocation.statusCode)") }
        }
        say(
            "simulated Cognito: sign-up, MFA sign-in and password reset codes by SMS, and a sign-up code by email, encrypted as Cognito does (suite 0x0378), each an asynchronous Lambda Invoke of \(deployed.senderName)"
        )
        return requests
    }

    private func readInbox(of deployed: DeployedDemo, expecting sent: [(TriggerSource, String)], _ clients: Clients, say: (String) -> Void) async throws {
        let inbox = CodeInbox(sqs: clients.sqs, queueUrl: deployed.inboxUrl)
        var lines: [String] = []
        for (trigger, code) in sent {
            let filter: CodeInbox.Filter =
                trigger.channel == .email ? .init(email: email, trigger: trigger.event) : .init(phoneNumber: phone, trigger: trigger.event)
            let record = try await inbox.waitForCode(matching: filter, timeout: .seconds(60))
            guard record.code == code else { throw DemoFailure("the inbox holds \(record.purpose) but not the code that was sent") }
            lines.append("    \(record.channel.rawValue) \(record.purpose): \(record.code ?? "(no code)")")
        }
        say(
            "codes in the inbox (smsredirect wait-code --queue-url \(deployed.inboxUrl) --phone \(phone), or --email \(email)):\n"
                + lines.joined(separator: "\n"))
    }

    private func examine(_ deployed: DeployedDemo, journal: any JournalStore, say: (String) -> Void) async throws -> DoctorReport {
        let examined = await (try Doctor(configuration: aws)).examine(deployed.stack.target(journal: journal))
        let report = DoctorReport(checks: [deployed.stack.statusCheck] + examined.checks)
        guard report.healthy else { throw DemoFailure("doctor found the deployed stack broken:\n\(report.text)") }
        say("smsredirect doctor --stack \(deployed.name):\n" + report.text.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n"))
        return report
    }

    private func deleteAndCheckRestore(
        _ deployed: DeployedDemo, pool: CreatedPool, _ clients: Clients, say: (String) -> Void, progress: (String) -> Void
    ) async throws {
        let deleteStarted = ContinuousClock.now
        let deleted = try await clients.deployer.delete(stack: deployed.name, progress: { progress(Self.line($0)) })
        guard deleted.succeeded else { throw DemoFailure("the stack's Delete ended \(deleted.stack.status): \(Self.cause(deleted))") }
        let restored = try await clients.cognito.describeUserPool(id: pool.id)
        let differences = PoolDiff.poolDifferences(from: pool.original, to: restored)
        guard differences.isEmpty else { throw DemoFailure("the pool was not restored exactly: \(differences.map(\.path).joined(separator: ", "))") }
        guard try await clients.cognito.getUserPoolMfaConfig(id: pool.id) == pool.originalMfa else {
            throw DemoFailure("the pool's MFA configuration was not restored")
        }
        say(
            "CloudFormation DeleteStack → \(deleted.stack.status) in \(Self.seconds(since: deleteStarted)); the helper restored the pool exactly (DescribeUserPool and GetUserPoolMfaConfig as before the stack), its own email sending back"
        )
    }

    /// One stack event as the demo prints it.
    static func line(_ event: CloudFormationClient.StackEvent) -> String {
        "    \(event.logicalResourceId) \(event.resourceType) \(event.status)" + (event.statusReason.map { $0.isEmpty ? "" : ": \($0)" } ?? "")
    }

    /// Why an operation failed: its first failing event, or the stack's own reason.
    static func cause(_ outcome: StackOutcome) -> String {
        if let failure = outcome.firstFailure { return "\(failure.logicalResourceId): \(failure.statusReason ?? "no reason given")" }
        return outcome.stack.statusReason ?? "no reason given"
    }

    static func seconds(since start: ContinuousClock.Instant) -> String {
        let elapsed = ContinuousClock.now - start
        return String(format: "%.1f s", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}

/// A demo step that did not come out as it should: the demo stops and says which.
public struct DemoFailure: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String
    /// A failure saying `description`.
    public init(_ description: String) { self.description = description }
}
