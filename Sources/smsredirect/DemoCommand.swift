import ArgumentParser
import DemoScenario
import Foundation

/// `smsredirect demo`: the whole flow against whatever AWS_ENDPOINT_URL names (ministack, in `make demo`).
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Run the whole flow once, narrated: deploy the existing-pool template through CloudFormation, send Cognito's codes (SMS and email) to the deployed sender, read them, doctor, delete the stack.",
        discussion: """
            Meant for a local CloudFormation engine (`make demo` starts ministack and builds the Lambda zips). It creates a \
            user pool, uploads the zips to a bucket, deploys the template, and refuses to run against real AWS unless \
            --allow-aws is given.

            Example:
              make demo            # builds the zips, starts ministack, runs this
              AWS_ENDPOINT_URL=http://127.0.0.1:4566 smsredirect demo --template cfn/existing-user-pool.json --artifacts dist
            """
    )

    @Option(name: .long, help: ArgumentHelp("The existing-pool template, as JSON.", valueName: "file")) var template = "cfn/existing-user-pool.json"
    @Option(name: .long, help: ArgumentHelp("The folder holding sender.zip, helper.zip and encryption-sdk-layer.zip.", valueName: "dir"))
    var artifacts = "dist"
    @Option(name: .long, help: "The phone number of the demo user.") var phone = "+15555550100"
    @Option(name: .long, help: "The email address subscribed to the topic, and the demo user's.") var email = "developer@example.com"
    @Flag(name: .long, help: "Run against real AWS (creates a stack, a pool and buckets in your account, and leaves the pool and buckets).") var allowAWS =
        false

    func run() async throws {
        let aws = try CLI.aws()
        let endpoint = ProcessInfo.processInfo.environment["AWS_ENDPOINT_URL"]
        guard allowAWS || endpoint != nil else {
            throw CLIFailure(
                "AWS_ENDPOINT_URL is not set: the demo runs against a local CloudFormation engine (`make demo` starts ministack). Pass --allow-aws to run it against your account."
            )
        }
        guard FileManager.default.fileExists(atPath: template) else {
            throw CLIFailure("\(template) does not exist: run the demo from the repository's root, or pass --template cfn/existing-user-pool.json")
        }
        var step = 0
        let scenario = DemoScenario(
            aws: aws, template: URL(fileURLWithPath: template), artifacts: URL(fileURLWithPath: artifacts), phone: phone, email: email)
        do {
            let report = try await scenario.run(
                endpoint: endpoint ?? "AWS",
                say: { line in
                    step += 1
                    print("[\(step)/\(DemoScenario.steps)] \(line)")
                },
                progress: { print($0) })
            print("demo: all steps passed; doctor: \(report.checks.filter { $0.status == .pass }.count) checks hold")
        } catch let failure as DemoFailure {
            throw CLIFailure(failure.description)
        }
    }
}
