import ArgumentParser
import AWSCore
import AWSServices
import EncryptionSDK
import Foundation
import LambdaRuntime
import SMSSender

/// `smsredirect wait-code`: the code an app's end-to-end test needs, from the inbox.
struct WaitCode: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait-code",
        abstract: "Wait for a code in the SQS code inbox and print it.",
        discussion: "Long-polls the inbox, prints the first matching code (or --json with the whole record), deletes only that message, and exits 2 when none arrives in time.")

    @Option(name: .long, help: "The code inbox queue URL (the stack's CodeInboxQueueUrl output).") var queueUrl: String
    @Option(name: .long, help: "Only a code for this phone number (E.164, e.g. +15555550100).") var phone: String?
    @Option(name: .long, help: "Only a code for this user name.") var username: String?
    @Option(name: .long, help: "Only this trigger: SignUp, Authentication, ForgotPassword, … or a full trigger source.") var trigger: String?
    @Option(name: .long, help: "Seconds to wait.") var timeout: Int = 60
    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be a positive number of seconds") }
        guard queueUrl.hasPrefix("http://") || queueUrl.hasPrefix("https://") else { throw ValidationError("--queue-url must be a queue URL (https://sqs.…/ACCOUNT/NAME)") }
    }

    func run() async throws {
        let inbox = CodeInbox(sqs: try SQSClient(configuration: CLI.aws()), queueUrl: queueUrl)
        do {
            let record = try await inbox.waitForCode(matching: .init(phoneNumber: phone, userName: username, trigger: trigger), timeout: .seconds(timeout))
            if output.json { try CLI.printJSON(record) } else { print(record.code) }
        } catch let timedOut as CodeInbox.TimedOut {
            FileHandle.standardError.write(Data("wait-code: \(timedOut)\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// `smsredirect simulate`: Cognito's part, so a sender can be exercised without real SMS flows.
struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Do Cognito's part: make codes, encrypt them as Cognito does, and invoke the sender with CustomSMSSender events.",
        discussion: "Encrypts under the pool's LambdaConfig.KMSKeyID (ESDK suite 0x0378, message format v1, frames of 4096, the pool id in the encryption context) and runs the sender bootstrap locally through the loopback Runtime API. Codes are not printed: read them from the inbox (`smsredirect wait-code`).")

    @Option(name: .long, help: "The user pool whose CustomSMSSender is simulated.") var userPoolId: String
    @Option(name: .long, help: "The sender bootstrap to run.") var bootstrap: String
    @Option(name: .long, help: "The SNS topic the sender publishes to (its SNS_TOPIC_ARN).") var snsTopicArn: String
    @Option(name: .long, help: "The KMS key (default: the pool's LambdaConfig.KMSKeyID).") var kmsKeyArn: String?
    @Option(name: .long, help: "The user's phone number.") var phone = "+15555550100"
    @Option(name: .long, help: "The user name.") var username = "demo-user"
    @Option(name: .long, parsing: .upToNextOption, help: "Triggers to simulate: \(TriggerSource.allCases.filter(\.isSMS).map(\.event).joined(separator: ", ")).")
    var trigger: [String] = ["SignUp", "Authentication", "ForgotPassword"]

    func validate() throws {
        for name in trigger where Simulate.source(named: name) == nil {
            throw ValidationError("unknown trigger '\(name)': use one of \(TriggerSource.allCases.filter(\.isSMS).map(\.event).joined(separator: ", "))")
        }
    }

    static func source(named name: String) -> TriggerSource? {
        TriggerSource.allCases.first { $0.isSMS && ($0.event == name || $0.rawValue == name) }
    }

    func run() async throws {
        let aws = try CLI.aws()
        let kms = try KMSClient(configuration: aws)
        let pool = try await CognitoIdentityProviderClient(configuration: aws).describeUserPool(id: userPoolId)
        guard let keyArn = kmsKeyArn ?? pool["LambdaConfig"]["KMSKeyID"]?.stringValue else {
            throw ValidationError("\(userPoolId) has no LambdaConfig.KMSKeyID: attach the sender first (`smsredirect attach` or the stack's helper), or pass --kms-key-arn")
        }
        if pool["LambdaConfig"]["CustomSMSSender"] == nil {
            print("note: \(userPoolId) has no CustomSMSSender yet; Cognito itself would not call the sender")
        }
        let simulator = CognitoSimulator(kmsKeyArn: keyArn, kms: kms)
        var events: [Data] = []
        for name in trigger {
            let source = Simulate.source(named: name)!
            let code = source == .smsAdminCreateUser ? "Tmp-\(UUID().uuidString.prefix(8))!" : CognitoSimulator.makeCode()
            let event = try await simulator.event(triggerSource: source, code: code, userPoolId: userPoolId, userName: username, phoneNumber: phone, region: aws.region)
            events.append(try event.jsonValue.data())
        }
        var environment = CLI.lambdaEnvironment(["KMS_KEY_ARN": keyArn, "SNS_TOPIC_ARN": snsTopicArn])
        environment["AWS_REGION"] = aws.region
        let report = try await LocalInvoker(.init(executable: bootstrap, environment: environment, functionName: "sms-sender", region: aws.region,
                                                  timeout: .seconds(30), output: .standardError)).invoke(events: events)
        var failed = false
        for (name, outcome) in zip(trigger, report.outcomes) {
            switch outcome {
            case .response: print("\(Simulate.source(named: name)!.rawValue): the sender published the code for \(username) (\(phone))")
            default: print("\(Simulate.source(named: name)!.rawValue): the sender failed: \(outcome)"); failed = true
            }
        }
        if failed || report.outcomes.count < trigger.count { throw ExitCode.failure }
    }
}
