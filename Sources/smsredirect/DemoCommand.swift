import ArgumentParser
import DemoScenario
import Foundation

/// `smsredirect demo`: the whole flow against whatever AWS_ENDPOINT_URL names (moto, in `make demo`).
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the whole flow once, narrated: attach, simulate Cognito (SMS and email), read the codes, doctor, detach.",
        discussion:
            "Meant for a local moto server (`make demo` starts one). It creates what the existing-pool template would, plus a user pool, and refuses to run against real AWS unless --allow-aws is given.\n\nExample:\n  make demo            # starts moto, builds, runs this\n  AWS_ENDPOINT_URL=http://127.0.0.1:5000 smsredirect demo"
    )

    @Option(name: .long, help: "The sender bootstrap (default: `sender` beside this executable).") var sender: String?
    @Option(name: .long, help: "The helper bootstrap (default: `helper` beside this executable).") var helper: String?
    @Option(name: .long, help: "The phone number of the demo user.") var phone = "+15555550100"
    @Option(name: .long, help: "The email address subscribed to the topic, and the demo user's.") var email = "developer@example.com"
    @Flag(name: .long, help: "Run against real AWS (creates and leaves resources in your account).") var allowAWS = false

    func run() async throws {
        let aws = try CLI.aws()
        let endpoint = ProcessInfo.processInfo.environment["AWS_ENDPOINT_URL"]
        guard allowAWS || endpoint != nil else {
            throw CLIFailure(
                "AWS_ENDPOINT_URL is not set: the demo runs against a local moto server (`make demo` starts one). Pass --allow-aws to run it against your account."
            )
        }
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let senderPath = sender ?? here.appendingPathComponent("sender").path
        let helperPath = helper ?? here.appendingPathComponent("helper").path
        for path in [senderPath, helperPath] where !FileManager.default.isExecutableFile(atPath: path) {
            throw CLIFailure("\(path) is not built: run `swift build` (make demo does), or pass --sender/--helper")
        }
        var step = 0
        let scenario = DemoScenario(
            aws: aws, senderBootstrap: senderPath, helperBootstrap: helperPath, lambdaEnvironment: CLI.lambdaEnvironment([:]),
            phone: phone, email: email)
        do {
            let report = try await scenario.run(endpoint: endpoint ?? "AWS") { line in
                step += 1
                print("[\(step)/\(DemoScenario.steps)] \(line)")
            }
            print("demo: all steps passed; doctor: \(report.checks.filter { $0.status == .pass }.count) checks hold")
        } catch let failure as DemoFailure {
            throw CLIFailure(failure.description)
        }
    }
}
