import AWSCore
import AWSServices
import Foundation
import PoolConfig
import PoolJournal
import SenderContract

/// `smsredirect doctor`: reads the pool, the sender, the key, the topic, the queues and the
/// journal, then checks each thing a code needs on its way to the inbox.
///
/// It only reads: nothing it checks is changed. A read that fails (a permission the caller lacks,
/// a name that does not exist) becomes the failed check it was needed for, so one missing
/// permission does not hide the rest of the checklist.
public struct Doctor: Sendable {
    let cognito: CognitoIdentityProviderClient
    let lambda: LambdaClient
    let kms: KMSClient
    let sns: SNSClient
    let sqs: SQSClient
    let iam: IAMClient

    /// A doctor over these clients.
    public init(cognito: CognitoIdentityProviderClient, lambda: LambdaClient, kms: KMSClient, sns: SNSClient, sqs: SQSClient, iam: IAMClient) {
        self.cognito = cognito
        self.lambda = lambda
        self.kms = kms
        self.sns = sns
        self.sqs = sqs
        self.iam = iam
    }

    /// A doctor with one client per service from `configuration`.
    public init(configuration: AWSClientConfiguration) throws {
        try self.init(
            cognito: CognitoIdentityProviderClient(configuration: configuration), lambda: LambdaClient(configuration: configuration),
            kms: KMSClient(configuration: configuration), sns: SNSClient(configuration: configuration),
            sqs: SQSClient(configuration: configuration), iam: IAMClient(configuration: configuration))
    }

    /// Reads everything about `target` and checks it.
    public func examine(_ target: DoctorTarget) async -> DoctorReport {
        DoctorChecks.report(await facts(about: target))
    }

    /// Reads everything the checks need; nothing is judged here. Each link of the chain is read
    /// by a function of its own, in the order the chain runs: the pool, the sender and its key and
    /// role, the topic and its queues, the journal.
    public func facts(about target: DoctorTarget) async -> DoctorFacts {
        let pool = await read("cognito-idp:DescribeUserPool") { try await cognito.describeUserPool(id: target.userPoolId) }
        let mfa = await read("cognito-idp:GetUserPoolMfaConfig") { try await cognito.getUserPoolMfaConfig(id: target.userPoolId) }
        let sender = await read("lambda:GetFunctionConfiguration") { try await lambda.getFunctionConfiguration(functionName: target.sender) }
        let senderPolicy: DoctorFact<JSONValue?> = await read("lambda:GetPolicy") {
            do { return try await lambda.getPolicy(functionName: target.sender) } catch let error as AWSError where error.isNotFound { return nil }
        }
        let environment = (try? sender.get())?.environment ?? [:]
        let (key, keyPolicy) = await keyFacts(keyArn: environment[SenderEnvironment.kmsKeyArn])
        let rolePolicies = await rolePolicyFacts(of: try? sender.get())

        let topicArn = target.topicArn ?? environment[SenderEnvironment.snsTopicArn].flatMap { $0.isEmpty ? nil : $0 }
        var subscriptions: DoctorFact<[SNSClient.Subscription]>?
        if let topicArn { subscriptions = await read("sns:ListSubscriptionsByTopic") { try await sns.listSubscriptionsByTopic(topicArn: topicArn) } }
        let inbox = await inboxFact(url: target.inboxQueueUrl, subscriptions: subscriptions)
        let failures = await failuresFact(url: target.failuresQueueUrl, sender: target.sender)
        let journal = await journalFact(target.journal, poolId: target.userPoolId)

        let redirectEmail = Self.redirectEmail(target: target, pool: try? pool.get(), sender: try? sender.get(), journal: try? journal?.get())
        return DoctorFacts(
            userPoolId: target.userPoolId, pool: pool, mfa: mfa, sender: sender, senderPolicy: senderPolicy, key: key, keyPolicy: keyPolicy,
            rolePolicies: rolePolicies, topicArn: topicArn, subscriptions: subscriptions, inbox: inbox, failures: failures,
            journal: journal, redirectEmail: redirectEmail, flows: target.flows ?? DoctorFlow.defaults(redirectingEmail: redirectEmail.value))
    }

    /// The sender's key and its policy, when the sender names one.
    private func keyFacts(keyArn: String?) async -> (DoctorFact<KMSClient.KeyMetadata>?, DoctorFact<JSONValue>?) {
        guard let keyArn, !keyArn.isEmpty else { return (nil, nil) }
        let key = await read("kms:DescribeKey") { try await kms.describeKey(keyId: keyArn) }
        // GetKeyPolicy takes a key id or key ARN, not an alias.
        let keyId = (try? key.get())?.arn ?? keyArn
        return (key, await read("kms:GetKeyPolicy") { try await kms.getKeyPolicy(keyId: keyId) })
    }

    /// The inline policies of the sender's role.
    private func rolePolicyFacts(of sender: LambdaClient.FunctionConfiguration?) async -> DoctorFact<[JSONValue]>? {
        guard let role = sender?.document["Role"]?.stringValue, let roleName = ARN(role)?.resource.split(separator: "/").last else { return nil }
        return await read("iam:ListRolePolicies") { try await iam.rolePolicyDocuments(roleName: String(roleName)) }
    }

    /// The code inbox: the one given, else the topic's only SQS subscription.
    private func inboxFact(url: String?, subscriptions: DoctorFact<[SNSClient.Subscription]>?) async -> DoctorFact<DoctorFacts.Queue>? {
        if let url { return await queue(url: url) }
        guard let queues = try? subscriptions?.get().filter({ $0.transport == "sqs" }), queues.count == 1, let arn = ARN(queues[0].endpoint) else {
            return nil
        }
        return await read("sqs:GetQueueUrl") { try await sqs.getQueueUrl(name: arn.resource, ownerAccount: arn.account) }.asyncFlatMap {
            await queue(url: $0)
        }
    }

    /// The sender-failures queue (the one given, else the sender's on-failure destination) and what waits in it.
    private func failuresFact(url given: String?, sender: String) async -> DoctorFact<DoctorFacts.FailuresQueue>? {
        var failuresUrl = given
        if failuresUrl == nil,
            let destination = try? await lambda.getFunctionEventInvokeConfig(functionName: sender)["DestinationConfig"]["OnFailure"]["Destination"]?
                .stringValue,
            let arn = ARN(destination), arn.service == "sqs"
        {
            failuresUrl = try? await sqs.getQueueUrl(name: arn.resource, ownerAccount: arn.account)
        }
        guard let failuresUrl else { return nil }
        return await read("sqs:GetQueueAttributes") {
            let attributes = try await sqs.getQueueAttributes(
                queueUrl: failuresUrl, names: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"])
            let waiting = (Int(attributes["ApproximateNumberOfMessages"] ?? "") ?? 0) + (Int(attributes["ApproximateNumberOfMessagesNotVisible"] ?? "") ?? 0)
            return DoctorFacts.FailuresQueue(url: failuresUrl, waiting: waiting)
        }
    }

    /// The attach in force on the pool, as the journal has it.
    private func journalFact(_ store: (any JournalStore)?, poolId: String) async -> DoctorFact<DoctorFacts.JournalFinding>? {
        guard let store else { return nil }
        if let local = store as? LocalJournalStore, !local.exists {
            return .failure(DoctorReadFailure(operation: "the journal", error: JournalError.noJournal(path: local.path)))
        }
        return await read("the journal (s3:GetObject)") {
            DoctorFacts.JournalFinding(location: store.location, activeAttach: try await store.read { try $0.activeAttach(poolId: poolId) })
        }
    }

    /// Whether email is meant to be redirected: as told, else as the journal's attach did, else as the pool is.
    static func redirectEmail(
        target: DoctorTarget, pool: JSONValue?, sender: LambdaClient.FunctionConfiguration?,
        journal: DoctorFacts.JournalFinding?
    ) -> (value: Bool, reason: String) {
        if let told = target.redirectEmail { return (told, told ? "RedirectEmail is true" : "RedirectEmail is false") }
        if let applied = journal?.activeAttach?.appliedRequest {
            let emailSender = applied.lambdaConfig.senderArn(.email)
            let redirected = emailSender != nil && emailSender == journal?.activeAttach?.senderArn
            return (redirected, redirected ? "the journal's attach redirected email" : "the journal's attach did not redirect email")
        }
        let current = pool.lambdaConfig.senderArn(.email)
        let redirected = current != nil && current == sender?.functionArn
        return (redirected, redirected ? "the pool's CustomEmailSender is the sender" : "email is not redirected")
    }

    func queue(url: String) async -> DoctorFact<DoctorFacts.Queue> {
        await read("sqs:GetQueueAttributes") {
            let attributes = try await sqs.getQueueAttributes(queueUrl: url, names: ["QueueArn", "Policy"])
            let policy = try attributes["Policy"].map { try JSONValue(data: Data($0.utf8)) }
            return DoctorFacts.Queue(url: url, arn: attributes["QueueArn"] ?? "", policy: policy)
        }
    }

    func read<T: Sendable>(_ operation: String, _ body: () async throws -> T) async -> DoctorFact<T> {
        do { return .success(try await body()) } catch { return .failure(DoctorReadFailure(operation: operation, error: error)) }
    }
}

extension Result where Failure == DoctorReadFailure, Success: Sendable {
    func asyncFlatMap<T>(_ transform: (Success) async -> Result<T, DoctorReadFailure>) async -> Result<T, DoctorReadFailure> {
        switch self {
        case let .success(value): await transform(value)
        case let .failure(error): .failure(error)
        }
    }
}
