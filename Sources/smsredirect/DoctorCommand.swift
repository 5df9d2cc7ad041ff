import ArgumentParser
import AWSCore
import AWSServices
import Doctor
import Foundation
import PoolJournal

extension DoctorFlow: ExpressibleByArgument {}

/// `smsredirect doctor`: why did no code arrive?
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the redirect end to end and say why no code would arrive: one line per check, ✓ or ✗ with the fix.",
        discussion: """
            Reads (never changes) the pool's LambdaConfig, the sender's permission, layer and environment, the KMS key and \
            its policy, the topic's subscriptions and the inbox's queue policy, the pool's settings for the flows under test, \
            the sender-failures queue and the journal. Exits 0 only when every check holds.

            Give a deployed stack (its outputs name everything), or the pool and the sender; what is not given is found \
            where it can be (the topic from the sender's SNS_TOPIC_ARN, the inbox from the topic's SQS subscription, the \
            failures queue from the sender's on-failure destination) or the check is skipped, saying so.

            Examples:
              smsredirect doctor --stack sms-redirect
              smsredirect doctor --user-pool-id eu-west-1_AbCdEf123 --sender-arn arn:aws:lambda:eu-west-1:111122223333:function:sender --journal ~/.smsredirect/journal.sqlite
              smsredirect doctor --stack sms-redirect --flow sms-sign-up --flow sms-password-reset --json
            """)

    @Option(name: .long, help: "A deployed CognitoSMSRedirect stack: its outputs name the pool, sender, topic, queues and journal.") var stack: String?
    @Option(name: .long, help: "The user pool id (without --stack).") var userPoolId: String?
    @Option(name: .long, help: "The sender Lambda's ARN or name (without --stack).") var senderArn: String?
    @Option(name: .long, help: "The SNS topic (default: the sender's SNS_TOPIC_ARN).") var topicArn: String?
    @Option(name: .long, help: "The code inbox queue URL (default: the topic's SQS subscription).") var queueUrl: String?
    @Option(name: .long, help: "The sender-failures queue URL (default: the sender's on-failure destination).") var failuresQueueUrl: String?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "The journal: a file path or s3://bucket/key (default with --stack: the stack's; else the local journal, when there is one).",
            valueName: "path|s3-uri"))
    var journal: String?
    @Flag(inversion: .prefixedNo, help: "Whether email codes should be redirected too (default: as the journal's attach did, else as the pool is).")
    var redirectEmail: Bool?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "A flow under test (repeatable): \(DoctorFlow.allCases.map(\.rawValue).joined(separator: ", ")). Default: the SMS flows, and sign-up and password reset by email when email is redirected.",
            valueName: "flow"))
    var flow: [DoctorFlow] = []
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if stack != nil, userPoolId != nil || senderArn != nil {
            throw ValidationError("give --stack, or --user-pool-id with --sender-arn, not both")
        }
        if stack == nil, userPoolId == nil || senderArn == nil {
            throw ValidationError("give --stack NAME, or both --user-pool-id and --sender-arn")
        }
    }

    func run() async throws {
        let aws = try CLI.aws()
        var checks: [DoctorCheck] = []
        var target: DoctorTarget
        if let stack {
            let found: CloudFormationClient.Stack
            do {
                found = try await CloudFormationClient(configuration: aws).describeStack(name: stack)
            } catch {
                throw CLIFailure(
                    "could not read the stack \(stack): \(error). Check its name and region (AWS_REGION), or give --user-pool-id and --sender-arn.")
            }
            guard let deployed = DeployedStack(found) else {
                throw CLIFailure(
                    "the stack \(stack) has no UserPoolId and SenderFunctionName outputs: is it a CognitoSMSRedirect stack? Give --user-pool-id and --sender-arn instead."
                )
            }
            checks.append(deployed.statusCheck)
            let journalLocation = journal ?? deployed.journalURI
            target = deployed.target(journal: try journalLocation.map { try JournalStores.store(for: $0, s3: try S3Client(configuration: aws)) })
            if let topicArn { target.topicArn = topicArn }
            if let queueUrl { target.inboxQueueUrl = queueUrl }
            if let failuresQueueUrl { target.failuresQueueUrl = failuresQueueUrl }
            if let redirectEmail { target.redirectEmail = redirectEmail }
        } else {
            let location =
                journal ?? ProcessInfo.processInfo.environment["SMSREDIRECT_JOURNAL"]
                ?? (FileManager.default.fileExists(atPath: JournalStores.defaultLocalPath) ? JournalStores.defaultLocalPath : nil)
            target = DoctorTarget(
                userPoolId: userPoolId ?? "", sender: senderArn ?? "", topicArn: topicArn, inboxQueueUrl: queueUrl,
                failuresQueueUrl: failuresQueueUrl,
                journal: try location.map { try JournalStores.store(for: $0, s3: try S3Client(configuration: aws)) },
                redirectEmail: redirectEmail)
        }
        if !flow.isEmpty { target.flows = flow }
        let report = DoctorReport(checks: checks + (await (try Doctor(configuration: aws)).examine(target)).checks)
        if output.json { try CLI.printJSON(DoctorJSON(healthy: report.healthy, checks: report.checks)) } else { print(report.text) }
        if !report.healthy { throw ExitCode(1) }
    }
}

/// `doctor --json`: the verdict and each check.
struct DoctorJSON: Encodable {
    var healthy: Bool
    var checks: [DoctorCheck]
}
