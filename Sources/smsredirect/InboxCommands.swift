import ArgumentParser
import AWSCore
import AWSServices
import EncryptionSDK
import EncryptionSDKKMS
import Foundation
import LambdaLocal
import LambdaRuntime
import PoolConfig
import RedirectClient
import SMSSender
import SenderContract

/// The filters `wait-code`, `inbox purge` and `inbox failures` share.
struct CodeFilterOptions: ParsableArguments {
    @Option(name: .long, help: "Only a code texted to this phone number (E.164, e.g. +15555550100).") var phone: String?
    @Option(name: .long, help: "Only a code emailed to this address (an email trigger, redirected with --redirect-email / RedirectEmail).")
    var email: String?
    @Option(name: .long, help: "Only a code for this user name.") var username: String?
    @Option(name: .long, help: "Only a code from this user pool (alone, as broad as --any on a stack's own inbox: it holds one pool's codes).")
    var userPoolId: String?
    @Option(name: .long, help: "Only this trigger (any case): SignUp, Authentication, ForgotPassword, … or a full trigger source.") var trigger: String?
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Only codes the sender handled since TIME (ISO 8601, not in the future) or DURATION ago, up to 14 days: --since=-5m (write it with '=': -90s, -5m, -2h, -1d).",
            valueName: "TIME|-DURATION"))
    var since: String?

    func validate() throws { _ = try filter() }

    /// Whether the filter names whose code it is: a phone, an address, a user or a pool.
    var namesWhoseCode: Bool { phone != nil || email != nil || username != nil || userPoolId != nil }

    func filter(now: Date = Date()) throws -> CodeInbox.Filter {
        do {
            return try .validated(
                phoneNumber: phone, email: email, userName: username, userPoolId: userPoolId, trigger: trigger,
                since: try since.map { try Self.time($0, now: now) })
        } catch let invalid as CodeInbox.InvalidFilter {
            throw ValidationError(invalid.description)
        }
    }

    /// How far ahead of this machine's clock a --since time may be (another machine's clock may run ahead).
    static let clockSkew: TimeInterval = 60

    static func time(_ text: String, now: Date) throws -> Date {
        if text.hasPrefix("-") {
            guard let seconds = DurationBounds.seconds(in: String(text.dropFirst())) else {
                throw ValidationError("--since '\(text)' is not a duration ago: write --since=-90s, --since=-5m, --since=-2h or --since=-1d")
            }
            _ = try DurationBounds.sinceAgo.seconds(String(text.dropFirst()))
            return now.addingTimeInterval(-seconds)
        }
        guard let date = CodeRecord.date(fromISO8601: text) else {
            throw ValidationError(
                "--since '\(text)' is neither an ISO 8601 time (2026-12-02T10:00:00Z) nor a duration ago (--since=-90s, --since=-5m, --since=-2h, --since=-1d)")
        }
        guard date <= now.addingTimeInterval(clockSkew) else {
            throw ValidationError("--since '\(text)' is in the future: no code sent after it has arrived yet; give the time the test step started")
        }
        return date
    }
}

/// `smsredirect wait-code`: the code an app's end-to-end test needs, from the inbox.
struct WaitCode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait-code",
        abstract: "Wait for a code in the SQS code inbox and print it.",
        discussion: """
            Long-polls the inbox and prints the newest matching code (or --json with the whole record). \
            Older matching codes and repeated deliveries are stale: they are deleted with it. Others' codes \
            are left in the inbox, released at once for their own waiters (one older than 5 minutes stays hidden for 30 s, so a backlog nobody takes cannot crowd out fresh codes). Exits 2 when no code arrives in \
            time, saying what the inbox did hold.

            Cognito invokes the sender asynchronously, so a sender that fails leaves the app's call \
            successful and the wait empty. With --failures-queue-url (the stack's SenderFailuresQueueUrl \
            output, or SMSREDIRECT_FAILURES_QUEUE_URL), a timeout also says whether the sender failed for \
            this user, and why.

            In a test: give the filter that names your user (--phone, --email or --username) and the step (--trigger). \
            --since with the time the step started ignores a code of an earlier step or run that is still \
            in the inbox; or run `smsredirect inbox purge` with the same filter before the test starts.

            The newest code is not always the valid one (a flow that honours only its first code): --which oldest \
            prints the oldest matching code, --which all every one, oldest first (one JSON object a line with --json). \
            With --json, the newest's and the oldest's record also list the codes the wait took besides it \
            ("superseded", "newer"). To assert that no code was sent, use `smsredirect expect-none`.

            Example:
              smsredirect wait-code --queue-url https://sqs.eu-west-1.amazonaws.com/111122223333/code-inbox \\
                --phone +15555550100 --trigger SignUp --since=-2m --timeout 30
            """)

    @Option(name: .long, help: "The code inbox queue URL (the stack's CodeInboxQueueUrl output).") var queueUrl: String
    @OptionGroup var filter: CodeFilterOptions
    @Flag(
        name: .long,
        help: """
            Take any code, no filter: the newest code in the inbox is printed, and every older code the wait receives is deleted \
            as stale, whoever it was for. Only for an inbox no one else reads.
            """)
    var any = false
    @Option(name: .long, help: "How long to wait: seconds (60) or 90s, 5m, 2h; 1 s to 1 d.") var timeout = "60"
    @Option(
        name: .long, help: "The sender-failures queue (the stack's SenderFailuresQueueUrl output; default: SMSREDIRECT_FAILURES_QUEUE_URL), read on a timeout.")
    var failuresQueueUrl: String?
    @Option(name: .long, help: "Which matching code to print: newest (the default), oldest, or all (oldest first).") var which: CodeChoice = .newest
    @OptionGroup var output: OutputOptions

    /// Which of the matching codes a wait prints.
    enum CodeChoice: String, ExpressibleByArgument, CaseIterable {
        case newest, oldest, all
    }

    var failuresQueue: String? { failuresQueueUrl ?? ProcessInfo.processInfo.environment["SMSREDIRECT_FAILURES_QUEUE_URL"].flatMap { $0.isEmpty ? nil : $0 } }

    func validate() throws {
        _ = try DurationBounds.waitTimeout.parse(timeout)
        try Inbox.validate(queueUrl: queueUrl)
        if let failuresQueue { try Inbox.validate(queueUrl: failuresQueue) }
        // A wait deletes the older codes it matches as stale: with nothing naming whose code it
        // waits for, that is every code in a shared inbox.
        if !filter.namesWhoseCode && !any {
            throw ValidationError(
                "say whose code to wait for: --phone, --email, --username or --user-pool-id (a wait deletes the older codes it matches, so with no filter it would empty a shared inbox); --any takes any code"
            )
        }
        if filter.namesWhoseCode && any { throw ValidationError("--any takes any code: leave out --phone, --email, --username and --user-pool-id, or --any") }
    }

    func run() async throws {
        let sqs = try SQSClient(configuration: CLI.aws())
        let inbox = CodeInbox(sqs: sqs, queueUrl: queueUrl)
        let filter = try self.filter.filter()
        do {
            let collected = try await inbox.waitForCodes(matching: filter, timeout: try DurationBounds.waitTimeout.parse(timeout))
            switch which {
            case .newest: try Self.show(collected.newest, others: ("superseded", collected.superseded), json: output.json)
            case .oldest: try Self.show(collected.oldest, others: ("newer", Array(collected.records.dropFirst())), json: output.json)
            case .all:
                for record in collected.records {
                    if output.json { print(try Self.document(record).jsonString) } else { try Self.show(record, others: nil, json: false) }
                }
            }
        } catch var timedOut as CodeInbox.TimedOut {
            var hint = ""
            if let failuresQueue {
                do {
                    timedOut.failures = try await SenderFailureQueue(sqs: sqs, queueUrl: failuresQueue).failures(matching: filter)
                } catch {
                    hint = "\n(the sender-failures queue could not be read: \(error))"
                }
            } else {
                hint = "\n(give --failures-queue-url, the stack's SenderFailuresQueueUrl output, to see whether the sender failed)"
            }
            FileHandle.standardError.write(Data("wait-code: \(timedOut)\(hint)\n".utf8))
            throw ExitCode(2)
        }
    }
}

extension WaitCode {
    /// A record as JSON.
    static func document(_ record: CodeRecord) throws -> JSONValue {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try JSONValue(data: try encoder.encode(record))
    }

    /// Prints a record: its code, or with `json` the whole record, `others` listed under their name.
    static func show(_ record: CodeRecord, others: (name: String, records: [CodeRecord])?, json: Bool) throws {
        if json {
            var document = try Self.document(record)
            if let others { document[others.name] = .array(try others.records.map(Self.document)) }
            try CLI.printJSON(document)
        } else if let code = record.code {
            Swift.print(code)
        } else {
            // A notification without a code (an account takeover): stdout holds codes only, so
            // `CODE=$(smsredirect wait-code …)` never captures a sentence.
            FileHandle.standardError.write(Data("wait-code: \(record.purpose) for \(record.userName): it carries no code\n".utf8))
        }
    }
}

/// `smsredirect expect-none`: the negative assertion, that no code was sent.
struct ExpectNone: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "expect-none",
        abstract: "Listen to the code inbox for a while and succeed only if no matching code arrives.",
        discussion: """
            For a test's negative: a step that must send no code (a sign-in without MFA, a reset for an unknown user). \
            Listens for --for, then exits 0 when no matching code arrived, or 1 naming each one that did (--json: the \
            records, one a line). Nothing is consumed: matching codes are released when it ends, and everyone else's at \
            once, so waiters in parallel are not held up.

            Example:
              smsredirect expect-none --queue-url https://sqs.eu-west-1.amazonaws.com/111122223333/code-inbox \\
                --phone +15555550100 --trigger Authentication --since=-10s --for 30s
            """)

    @Option(name: .long, help: "The code inbox queue URL (the stack's CodeInboxQueueUrl output).") var queueUrl: String
    @OptionGroup var filter: CodeFilterOptions
    @Flag(name: .long, help: "Expect no code at all, for anyone: for an inbox no one else reads.") var any = false
    @Option(name: .customLong("for"), help: "How long to listen: seconds (30) or 90s, 5m; 1 s to 1 d.") var duration = "30"
    @OptionGroup var output: OutputOptions

    func validate() throws {
        _ = try DurationBounds.waitTimeout.parse(duration)
        try Inbox.validate(queueUrl: queueUrl)
        if !filter.namesWhoseCode && !any {
            throw ValidationError("say whose code must not arrive: --phone, --email, --username or --user-pool-id; --any expects no code for anyone")
        }
        if filter.namesWhoseCode && any {
            throw ValidationError("--any expects no code at all: leave out --phone, --email, --username and --user-pool-id, or --any")
        }
    }

    func run() async throws {
        let inbox = CodeInbox(sqs: try SQSClient(configuration: CLI.aws()), queueUrl: queueUrl)
        let seconds = try DurationBounds.waitTimeout.parse(duration)
        let arrived = try await inbox.expectNone(matching: try filter.filter(), for: seconds)
        guard !arrived.isEmpty else {
            if output.json { Swift.print((["arrived": []] as JSONValue).jsonString) }
            FileHandle.standardError.write(Data("expect-none: no matching code arrived in \(seconds.components.seconds) s\n".utf8))
            return
        }
        if output.json { for record in arrived { Swift.print(try WaitCode.document(record).jsonString) } }
        let lines = arrived.map { record in
            // Whoever could publish to the topic wrote these fields: shown printable.
            "  \(record.purpose.printablePrefix()) for \((record.phoneNumber ?? record.email ?? record.userName).printablePrefix()) (\(record.triggerSource.printablePrefix())), sent \(record.time.printablePrefix())"
        }
        FileHandle.standardError.write(
            Data("expect-none: \(arrived.count) matching code\(arrived.count == 1 ? "" : "s") arrived:\n\(lines.joined(separator: "\n"))\n".utf8))
        throw ExitCode(1)
    }
}

/// `smsredirect inbox`: managing the code inbox around a test run.
struct Inbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage code inboxes: per-run inboxes for parallel test runs, and purging.",
        discussion: """
            A CI run that shares the stack's inbox with other runs can create its own: `inbox create` makes an SQS queue \
            subscribed to the codes topic with a filter on the phone, user or pool, and tags it with when it expires; \
            `inbox delete` removes it when the run ends, and `inbox prune` removes the expired ones a crashed run left.
            """,
        subcommands: [Create.self, Delete.self, Prune.self, Purge.self, Failures.self])

    static func runInboxes() throws -> RunInboxes {
        let aws = try CLI.aws()
        return RunInboxes(sqs: try SQSClient(configuration: aws), sns: try SNSClient(configuration: aws))
    }

    /// `smsredirect inbox create`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a per-run inbox: a queue subscribed to the topic, receiving only the selected codes. Prints its URL.",
            discussion: """
                Example:
                  INBOX=$(smsredirect inbox create --topic-arn arn:aws:sns:eu-west-1:111122223333:codes --phone +15555550100 --ttl 2h)
                """)

        @Option(name: .long, help: "The codes topic (the stack's SNSTopicArn output).") var topicArn: String
        @Option(name: .long, help: "Only codes for this phone number (E.164).") var phone: String?
        @Option(name: .long, help: "Only codes for this user name.") var username: String?
        @Option(name: .long, help: "Only codes of this user pool.") var userPoolId: String?
        @Option(name: .long, help: "How long the inbox lives before `inbox prune` deletes it: 90m, 2h, 1d (60 s to 14 d).") var ttl = "2h"
        @OptionGroup var output: OutputOptions

        func validate() throws {
            guard let arn = ARN(topicArn), arn.service == "sns", !arn.resource.contains(":") else {
                throw ValidationError("--topic-arn must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME)")
            }
            do { _ = try CodeInbox.Filter.validated(phoneNumber: phone) } catch { throw ValidationError("\(error)") }
            _ = try Self.duration(ttl)
        }

        static func duration(_ text: String) throws -> Duration { try DurationBounds.inboxTTL.parse(text) }

        func run() async throws {
            let created = try await Inbox.runInboxes().create(
                topicArn: topicArn, selection: .init(phoneNumber: phone, userName: username, userPoolId: userPoolId),
                ttl: try Self.duration(ttl))
            if output.json { try CLI.printJSON(created) } else { print(created.queueUrl) }
        }
    }

    /// `smsredirect inbox delete`.
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unsubscribe and delete a per-run inbox (only one `inbox create` made).",
            discussion: """
                Example:
                  smsredirect inbox delete "$INBOX"
                """)

        @Argument(help: "The inbox's queue URL.") var queueUrl: String

        func validate() throws { try Inbox.validate(queueUrl: queueUrl) }

        func run() async throws {
            do {
                try await Inbox.runInboxes().delete(queueUrl: queueUrl)
            } catch let refused as RunInboxes.NotARunInbox {
                throw CLIFailure(refused.description)
            }
            print("deleted \(queueUrl)")
        }
    }

    /// `smsredirect inbox prune`.
    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete the per-run inboxes whose time is up.",
            discussion: """
                Example (a nightly CI job):
                  smsredirect inbox prune
                """)

        func run() async throws {
            let deleted = try await Inbox.runInboxes().prune()
            for url in deleted { print("deleted \(url)") }
            print("pruned \(deleted.count) expired inbox\(deleted.count == 1 ? "" : "es")")
        }
    }

    static func validate(queueUrl: String) throws {
        guard queueUrl.hasPrefix("http://") || queueUrl.hasPrefix("https://") else {
            throw ValidationError("--queue-url must be a queue URL (https://sqs.…/ACCOUNT/NAME)")
        }
    }

    /// `smsredirect inbox failures`: why no code came.
    struct Failures: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the events the sender failed on every attempt (Lambda's on-failure records), oldest first.",
            discussion: """
                Reads the sender-failures queue without consuming it: every failure stays for the next reader, \
                and SQS drops it after the queue's retention (4 days in the stacks). No code or ciphertext is printed.

                Example:
                  smsredirect inbox failures --queue-url https://sqs.eu-west-1.amazonaws.com/111122223333/sender-failures --phone +15555550100
                """)

        @Option(name: .long, help: "The sender-failures queue URL (the stack's SenderFailuresQueueUrl output).") var queueUrl: String
        @OptionGroup var filter: CodeFilterOptions
        @OptionGroup var output: OutputOptions

        func validate() throws { try Inbox.validate(queueUrl: queueUrl) }

        func run() async throws {
            let report = try await SenderFailureQueue(sqs: try SQSClient(configuration: CLI.aws()), queueUrl: queueUrl).failures(matching: try filter.filter())
            if output.json { try CLI.printJSON(report.matching); return }
            if report.matching.isEmpty {
                print("no failure matches (\(report.total) failure record\(report.total == 1 ? "" : "s") in the queue)")
            }
            for failure in report.matching { print(failure.summary) }
        }
    }

    /// `smsredirect inbox purge`: what a test runs before it starts.
    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete the matching codes in the inbox now; leave everyone else's.",
            discussion: """
                Run it with your test's filter before the test starts, so that no code of an earlier run can answer a wait. With no filter it empties the inbox. Prints how many codes it deleted.

                Example:
                  smsredirect inbox purge --queue-url https://sqs.eu-west-1.amazonaws.com/111122223333/code-inbox --phone +15555550100
                """)

        @Option(name: .long, help: "The code inbox queue URL (the stack's CodeInboxQueueUrl output).") var queueUrl: String
        @OptionGroup var filter: CodeFilterOptions

        func validate() throws { try Inbox.validate(queueUrl: queueUrl) }

        func run() async throws {
            let inbox = CodeInbox(sqs: try SQSClient(configuration: CLI.aws()), queueUrl: queueUrl)
            let purged = try await inbox.purge(matching: try filter.filter())
            print("purged \(purged) code\(purged == 1 ? "" : "s")")
        }
    }
}

/// `smsredirect simulate`: Cognito's part, so a sender can be exercised without real SMS flows.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Do Cognito's part: make codes, encrypt them as Cognito does, and invoke the sender with CustomSMSSender or CustomEmailSender events.",
        discussion: """
            Encrypts under the pool's LambdaConfig.KMSKeyID (ESDK suite 0x0378, message format v1, frames of 4096, the pool id in \
            the encryption context) and runs the sender bootstrap locally through the loopback Runtime API. Codes are not printed: \
            read them from the inbox (`smsredirect wait-code`).

            A trigger is an event name (SignUp, ResendCode, ForgotPassword, UpdateUserAttribute, VerifyUserAttribute, \
            AdminCreateUser, Authentication, AccountTakeOverNotification) sent on --channel, a full trigger source \
            (CustomEmailSender_SignUp), or SMS_OTP / EMAIL_OTP: the one-time password of a passwordless sign-in, which \
            Cognito sends on the Authentication trigger of that channel.

            Example:
              smsredirect simulate --user-pool-id eu-west-1_AbCdEf123 --bootstrap .build/debug/sender \\
                --sns-topic-arn arn:aws:sns:eu-west-1:111122223333:codes --trigger SignUp ForgotPassword EMAIL_OTP
            """)

    @Option(name: .long, help: "The user pool whose custom senders are simulated.") var userPoolId: String
    @Option(name: .long, help: "The sender bootstrap to run.") var bootstrap: String
    @Option(name: .long, help: "The SNS topic the sender publishes to (its SNS_TOPIC_ARN).") var snsTopicArn: String
    @Option(name: .long, help: "The KMS key (default: the pool's LambdaConfig.KMSKeyID).") var kmsKeyArn: String?
    @Option(name: .long, help: "The user's phone number.") var phone = "+15555550100"
    @Option(name: .long, help: "The user's email address.") var email = "demo-user@example.com"
    @Option(name: .long, help: "The user name.") var username = "demo-user"
    @Option(name: .long, help: "The sender an event name goes to: sms or email.") var channel: TriggerSource.Channel = .sms
    @Option(
        name: .long, parsing: .upToNextOption,
        help: "Triggers to simulate: \(TriggerArgument.allValueStrings.joined(separator: ", ")), or a full trigger source.")
    var trigger: [TriggerArgument] = [.event(.signUp), .event(.authentication), .event(.forgotPassword)]

    /// The phone and address as `wait-code` would take them: a code simulated for a phone no wait
    /// can name would only time out.
    func validate() throws {
        do {
            _ = try CodeInbox.Filter.validated(phoneNumber: phone)
            _ = try CodeInbox.Filter.validated(email: email, userPoolId: userPoolId)
        } catch let invalid as CodeInbox.InvalidFilter {
            throw ValidationError(invalid.description)
        }
    }

    func run() async throws {
        let aws = try CLI.aws()
        let kms = try KMSClient(configuration: aws)
        let pool = try await CognitoIdentityProviderClient(configuration: aws).describeUserPool(id: userPoolId)
        guard let keyArn = kmsKeyArn ?? pool.lambdaConfig.kmsKeyID else {
            throw CLIFailure(
                "\(userPoolId) has no LambdaConfig.KMSKeyID: attach the sender first (`smsredirect attach` or the stack's helper), or pass --kms-key-arn")
        }
        let sources = trigger.map { $0.source(on: channel) }
        let config = pool.lambdaConfig
        for channel in Set(sources.map(\.channel)).sorted(by: { $0.rawValue > $1.rawValue }) where config.sender(channel == .email ? .email : .sms) == nil {
            print("note: \(userPoolId) has no \(channel.triggerPrefix) yet; Cognito itself would not call the sender for \(channel.rawValue) codes")
        }
        var environment = CLI.lambdaEnvironment([SenderEnvironment.kmsKeyArn: keyArn, SenderEnvironment.snsTopicArn: snsTopicArn])
        environment["AWS_REGION"] = aws.region.rawValue
        let send = SimulatedSend(
            simulator: CognitoSimulator(kmsKeyArn: keyArn, kms: kms), senderBootstrap: bootstrap, environment: environment,
            functionName: "sms-sender", region: aws.region)
        let sent = try await send.run(
            sources.map { source in
                .init(
                    triggerSource: source, code: SimulatedSend.code(for: source), userPoolId: userPoolId, userName: username,
                    phoneNumber: source.isSMS ? phone : nil, email: source.isSMS ? nil : email)
            })
        var failed = false
        for (request, outcome) in sent {
            let recipient = request.triggerSource.isSMS ? phone : email
            switch outcome {
            case .response: print("\(request.triggerSource.rawValue): the sender published the \(request.triggerSource.purpose) for \(username) (\(recipient))")
            default: print("\(request.triggerSource.rawValue): the sender failed: \(outcome)"); failed = true
            }
        }
        if failed || sent.count < trigger.count { throw ExitCode.failure }
    }
}

extension TriggerSource.Channel: ExpressibleByArgument {}

/// A trigger as the command line names it: an event (`SignUp`), sent on the command's channel; a
/// full source (`CustomEmailSender_SignUp`); or a passwordless one-time password (`SMS_OTP`,
/// `EMAIL_OTP`), which Cognito sends on the Authentication trigger. Anything else is refused with the list.
enum TriggerArgument: ExpressibleByArgument, Equatable {
    case event(TriggerSource.Kind)
    case source(TriggerSource)

    init?(argument: String) {
        switch argument.uppercased() {
        case "SMS_OTP": self = .source(.smsAuthentication)
        case "EMAIL_OTP": self = .source(.emailAuthentication)
        default:
            if let source = TriggerSource(rawValue: argument) {
                self = .source(source)
            } else if let kind = TriggerSource.Kind.allCases.first(where: { $0.rawValue.lowercased() == argument.lowercased() }) {
                self = .event(kind)
            } else {
                return nil
            }
        }
    }

    /// The source this argument names, an event taking `channel`.
    func source(on channel: TriggerSource.Channel) -> TriggerSource {
        switch self {
        case let .event(kind): TriggerSource(channel, kind)
        case let .source(source): source
        }
    }

    static var allValueStrings: [String] { TriggerSource.Kind.allCases.map(\.rawValue) + ["SMS_OTP", "EMAIL_OTP"] }
    var defaultValueDescription: String {
        switch self {
        case let .event(kind): kind.rawValue
        case let .source(source): source.rawValue
        }
    }
}
