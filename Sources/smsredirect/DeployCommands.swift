import ArgumentParser
import AWSCore
import AWSServices
import Foundation
import StackDeploy

/// `smsredirect deploy`: a stack from the release this CLI is, or from a build, through a change set.
struct Deploy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Deploy the redirect: a stack from the release matching this CLI's version (or from a build), followed event by event.",
        discussion: """
            With --user-pool-id, redirects that existing pool (restored when the stack is deleted); without, creates a pool. \
            The template and the Lambda code come from the release \(Release.version) in your region's release bucket \
            (<prefix>-<region>/\(Release.version)/), or with --template and --artifacts from a build, uploaded to an artifact \
            bucket (default smsredirect-artifacts-<account>-<region>, created when missing). Needs no Swift, Python or AWS CLI: \
            credentials and the region come from the environment, a profile, or a container endpoint (AWS CloudShell).

            The input is checked before any AWS call. A change set makes a redeploy with no change succeed. Each stack event is \
            printed as it arrives (--json: one JSON object a line), then the outputs. Exit status: 0 deployed (or unchanged), \
            1 the stack failed (its first failing event and the reason are shown) or AWS refused, 2 bad input, 64 options \
            that do not go together.

            Examples:
              smsredirect deploy --stack sms-redirect --email you@example.com
              smsredirect deploy --stack sms-redirect --email you@example.com --user-pool-id eu-west-1_AbC123 --sms-role-arn arn:aws:iam::111122223333:role/pool-sms
              smsredirect deploy --stack sms-redirect --email you@example.com --user-pool-id eu-west-1_AbC123 --keep-redirect
              smsredirect deploy --stack sms-redirect --email you@example.com --template cfn/new-user-pool.json --artifacts dist --json
            """)

    @Option(name: .long, help: "The stack's name (a letter, then letters, digits and hyphens; at most 48).") var stack = ""
    @Option(name: .long, help: "The address that receives every code (confirm the SNS subscription mail).") var email = ""
    @Option(name: .long, help: "An existing user pool to redirect, in the stack's region; without it a pool is created.") var userPoolId: String?
    @Option(name: .long, help: "The existing pool's SMS role ARN, when it has one (console: Messaging).") var smsRoleArn: String?
    @Flag(name: .long, help: "Redirect the pool's email codes too (CustomEmailSender).") var redirectEmail = false
    @Flag(name: .long, help: "Create no SQS code inbox (codes go to the email address only).") var noCodeInbox = false
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Redirect only these numbers' codes (E.164 prefixes, comma-separated); every other number gets a real SMS. Default: every number.",
            valueName: "+1555,…"))
    var redirectOnly: String?
    @Flag(name: .long, help: "Put the redirect back when a later deploy of the app removes it (it is reported to the topic either way).")
    var keepRedirect = false
    @Option(
        name: .long,
        help: ArgumentHelp("How often the watch checks the redirect is still on (default rate(1 hour)).", valueName: "rate(…)|cron(…)"))
    var watchSchedule: String?
    @Option(name: .long, help: ArgumentHelp("Deploy this JSON template of a build (cfn/*.json) instead of the release's.", valueName: "file"))
    var template: String?
    @Option(name: .long, help: ArgumentHelp("With --template: the folder holding the build's Lambda zips (dist).", valueName: "dir")) var artifacts: String?
    @Option(name: .long, help: "With --template: the bucket the zips go to (default smsredirect-artifacts-<account>-<region>).") var artifactBucket: String?
    @Option(name: .long, help: "The release buckets' prefix, for a team that mirrors releases into buckets of its own.")
    var releaseBucketPrefix = ReleaseLayout.publicBucketPrefix
    @Flag(name: .long, help: "Print one JSON object per line (each stack event, then the result), for CI.") var json = false

    func validate() throws {
        if (template == nil) != (artifacts == nil) { throw ValidationError("give --template and --artifacts together (a build), or neither (the release)") }
        if artifactBucket != nil && template == nil { throw ValidationError("--artifact-bucket goes with --template and --artifacts") }
    }

    func run() async throws {
        let aws: AWSClientConfiguration
        do {
            aws = try CLI.aws()
        } catch {
            throw StackCommands.badInput(["no usable AWS configuration: \(error)"])
        }
        let input = DeployInput(
            stackName: stack, email: email, userPoolId: userPoolId, smsRoleArn: smsRoleArn, redirectEmail: redirectEmail, createCodeInbox: !noCodeInbox,
            keepRedirect: keepRedirect, watchSchedule: watchSchedule, redirectOnly: redirectOnly, region: aws.region.rawValue)
        let problems = input.problems.map(\.description)
        if !problems.isEmpty { throw StackCommands.badInput(problems) }
        let source: DeploySource =
            if let template, let artifacts {
                .local(template: URL(fileURLWithPath: template), artifacts: URL(fileURLWithPath: artifacts), bucket: artifactBucket)
            } else {
                .release(ReleaseLayout(version: Release.version, bucketPrefix: releaseBucketPrefix))
            }

        let started = ContinuousClock.now
        let output = StackOutput(json: json)
        let result: StackDeployer.DeployResult
        do {
            result = try await Deployment(aws: aws, deployer: try StackCommands.deployer(aws)).run(input, from: source) { progress in
                switch progress {
                case let .step(line): output.step(line)
                case let .event(event): output.event(event)
                }
            }
        } catch {
            // Whatever stopped the deploy (a refused change set, a missing zip, AWS's answer, a wait
            // that timed out): a script reading --json still gets its result line.
            output.stopped("\(error)")
            throw CLIFailure("\(error)")
        }
        switch result {
        case let .unchanged(stack):
            output.finish(stack: stack, verdict: "unchanged: \(stack.name) already has this template and these parameters", seconds: started)
        case let .changed(outcome):
            if outcome.succeeded {
                output.finish(stack: outcome.stack, verdict: "\(outcome.stack.name) is \(outcome.stack.status)", seconds: started)
            } else {
                output.failure(outcome)
                throw ExitCode(1)
            }
        }
    }
}

/// `smsredirect destroy`: delete the stack, wait, and say what became of the pool.
struct Destroy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Delete a redirect stack, wait for it, and say whether the pool was restored.",
        discussion: """
            The helper restores an existing pool to the configuration it journaled before the first change; the journal \
            (kept with its bucket after the stack) says whether it did. A pool the stack created is deleted with it. Exit \
            status: 0 deleted (and the pool restored, where there was one to restore), 1 otherwise.

            Example:
              smsredirect destroy --stack sms-redirect
            """)

    @Option(name: .long, help: "The stack's name.") var stack: String
    @Flag(name: .long, help: "Print one JSON object per line (each stack event, then the result).") var json = false

    func run() async throws {
        let aws = try CLI.aws()
        let output = StackOutput(json: json)
        let started = ContinuousClock.now
        let result: Teardown.Result
        do {
            result = try await Teardown(deployer: try StackCommands.deployer(aws)).run(stack: stack) { output.event($0) }
        } catch let error as AWSError where error.isNoSuchStack {
            let message = "there is no stack \(stack) in \(aws.region): check the name and AWS_REGION (`smsredirect status --stack \(stack)`)"
            output.stopped(message)
            throw CLIFailure(message)
        } catch {
            output.stopped("\(error)")
            throw error
        }
        guard result.outcome.succeeded else {
            output.failure(result.outcome)
            throw ExitCode(1)
        }
        let pool: String
        var restored = true
        switch result.pool {
        case nil: pool = "the stack named no pool"
        case let .restored(poolId, entry, notes)?:
            pool =
                "the pool \(poolId) is restored as it was before the stack (journal entry \(entry))" + (notes.map { "; the helper noted: \($0)" } ?? "")
        case let .deletedWithTheStack(poolId)?: pool = "the stack's own pool \(poolId) was deleted with it"
        case let .notRestored(poolId, detail)?:
            pool = "the pool \(poolId) was NOT restored: \(detail)"
            restored = false
        case let .unknown(poolId, reason)?:
            pool = "whether the pool \(poolId) was restored is unknown: \(reason)"
            restored = false
        }
        output.finish(stack: nil, verdict: "\(stack) is \(result.outcome.stack.status); \(pool)", seconds: started, ok: restored)
        if !restored { throw ExitCode(1) }
    }
}

/// `smsredirect status`: the stack's state, outputs and latest events.
struct Status: AsyncParsableCommand {
    /// The first failure after the stack's latest create, update or delete began: the cause, where
    /// an earlier operation's failures are history and the later ones its consequences.
    static func firstFailureOfTheLatestOperation(_ history: [CloudFormationClient.StackEvent]) -> CloudFormationClient.StackEvent? {
        let starts = ["CREATE_IN_PROGRESS", "UPDATE_IN_PROGRESS", "DELETE_IN_PROGRESS"]
        let start = history.lastIndex { $0.resourceType == "AWS::CloudFormation::Stack" && starts.contains($0.status) } ?? history.startIndex
        return history[start...].first(where: \.isFailure)
    }

    static let configuration = CommandConfiguration(
        abstract: "Show a redirect stack's status, its outputs and its latest events.",
        discussion: """
            Exit status: 0 when the stack is CREATE_COMPLETE or UPDATE_COMPLETE, 1 otherwise (its first failing event is shown).

            Example:
              smsredirect status --stack sms-redirect
            """)

    @Option(name: .long, help: "The stack's name.") var stack: String
    @Option(name: .long, help: "How many of the latest events to show.") var events = 10
    @Flag(name: .long, help: "Print JSON.") var json = false

    func run() async throws {
        let aws = try CLI.aws()
        let cloudFormation = try CloudFormationClient(configuration: aws)
        let found: CloudFormationClient.Stack
        do {
            found = try await cloudFormation.describeStack(name: stack)
        } catch let error as AWSError where error.isNoSuchStack {
            throw CLIFailure("there is no stack \(stack) in \(aws.region): check the name and AWS_REGION")
        }
        let history = try await cloudFormation.describeStackEvents(name: found.stackId)
        let healthy = ["CREATE_COMPLETE", "UPDATE_COMPLETE"].contains(found.status)
        if json {
            try CLI.printJSON([
                "stack": .string(found.name), "status": .string(found.status), "outputs": .object(found.outputs.mapValues { .string($0) }),
                "events": .array(history.suffix(max(events, 0)).map(StackOutput.json)),
            ])
        } else {
            print("\(found.name): \(found.status)\(found.statusReason.flatMap { $0.isEmpty ? nil : " (\($0))" } ?? "")")
            for event in history.suffix(max(events, 0)) { print(StackOutput.line(event)) }
            if !healthy, let failure = history.last(where: \.isFailure) {
                print("first failure: \(failure.logicalResourceId): \(failure.statusReason ?? "no reason given")")
            }
            StackOutput.printOutputs(found.outputs)
        }
        if !healthy { throw ExitCode(1) }
    }
}

enum StackCommands {
    /// The deployer the commands share: the stack is read every second, for up to an hour
    /// (the helper's custom resource allows itself five minutes; a stack with a slow delete, more).
    static func deployer(_ aws: AWSClientConfiguration) throws -> StackDeployer {
        StackDeployer(
            cloudFormation: try CloudFormationClient(configuration: aws), s3: try S3Client(configuration: aws), pollInterval: .seconds(1),
            timeout: .seconds(3600))
    }

    /// Prints each problem with the input and exits 2, before any AWS call.
    static func badInput(_ problems: [String]) -> ExitCode {
        for problem in problems { FileHandle.standardError.write(Data("smsredirect deploy: \(problem)\n".utf8)) }
        return ExitCode(2)
    }
}

/// How the stack commands print: lines for a person, one JSON object per line for a script.
struct StackOutput {
    var json: Bool

    static func line(_ event: CloudFormationClient.StackEvent) -> String {
        let time = event.timestamp.split(separator: "T").last.map { String($0.prefix(8)) } ?? ""
        return "  \(time)  \(event.logicalResourceId)  \(event.resourceType)  \(event.status)"
            + (event.statusReason.flatMap { $0.isEmpty ? nil : "  \($0)" } ?? "")
    }

    static func json(_ event: CloudFormationClient.StackEvent) -> JSONValue {
        var object: JSONValue = [
            "type": "event", "timestamp": .string(event.timestamp), "logicalResourceId": .string(event.logicalResourceId),
            "resourceType": .string(event.resourceType), "status": .string(event.status),
        ]
        if let physical = event.physicalResourceId { object["physicalResourceId"] = .string(physical) }
        if let reason = event.statusReason, !reason.isEmpty { object["reason"] = .string(reason) }
        return object
    }

    static func printOutputs(_ outputs: [String: String]) {
        guard !outputs.isEmpty else { return }
        print("outputs:")
        for (key, value) in outputs.sorted(by: { $0.key < $1.key }) { print("  \(key): \(value)") }
    }

    func step(_ line: String) {
        if json { print((["type": "step", "message": .string(line)] as JSONValue).jsonString) } else { print(line) }
    }

    func event(_ event: CloudFormationClient.StackEvent) {
        if json { print(Self.json(event).jsonString) } else { print(Self.line(event)) }
    }

    func finish(stack: CloudFormationClient.Stack?, verdict: String, seconds start: ContinuousClock.Instant, ok: Bool = true) {
        let elapsed = ContinuousClock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        if json {
            var object: JSONValue = ["type": "result", "ok": .bool(ok), "message": .string(verdict), "seconds": .double((seconds * 10).rounded() / 10)]
            if let stack { object["outputs"] = .object(stack.outputs.mapValues { .string($0) }) }
            print(object.jsonString)
        } else {
            print(String(format: "%@ (%.1f s)", verdict, seconds))
            if let stack { Self.printOutputs(stack.outputs) }
        }
    }

    /// A deploy or delete that stopped before the stack settled: a result line for --json (the
    /// error itself goes to standard error, as every command's does).
    func stopped(_ reason: String) {
        if json { print((["type": "result", "ok": false, "message": .string(reason)] as JSONValue).jsonString) }
    }

    func failure(_ outcome: StackOutcome) {
        let cause =
            outcome.firstFailure.map { "\($0.logicalResourceId): \($0.statusReason ?? "no reason given")" } ?? (outcome.stack.statusReason ?? "no reason given")
        if json {
            print(
                (["type": "result", "ok": false, "status": .string(outcome.stack.status), "message": .string("first failure: \(cause)")] as JSONValue)
                    .jsonString)
        } else {
            FileHandle.standardError.write(Data("\(outcome.stack.name) is \(outcome.stack.status); first failure: \(cause)\n".utf8))
        }
    }
}
