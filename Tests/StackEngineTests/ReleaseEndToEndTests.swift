import AWSCore
import AWSServices
import DemoScenario
import Foundation
import SMSSender
import StackDeploy
import Testing
import TestSupport

/// The whole path a user takes without building anything: a release published into two emulated
/// regions by scripts/publish-release.sh (the AWS CLI), then, from a root holding only glibc and
/// the unpacked CLI archive, `smsredirect deploy` for an existing pool with credentials from a
/// container endpoint on localhost (as AWS CloudShell gives them), a code through the deployed
/// sender, and `smsredirect destroy`, after which the pool is exactly as it was.
@Suite(.needsMinistack, .needsZips, .needsRoot) struct ReleaseEndToEndTests {
    let engine: StackEngine
    init() throws { engine = try StackEngine() }

    static var dist: URL { BuiltProducts.packageRoot.appendingPathComponent("dist") }

    /// The CLI's version: the release it deploys from.
    static func version() throws -> String {
        let source = try String(contentsOf: BuiltProducts.packageRoot.appendingPathComponent("Sources/smsredirect/Release.swift"), encoding: .utf8)
        return String(try #require(source.firstMatch(of: /version = "([0-9.]+)"/)?.1))
    }

    @Test func publishedReleaseDeployedFromABareRootThenDestroyed() async throws {
        // The release, under a prefix of this test's own (the buckets' names are global).
        let layout = ReleaseLayout(version: try Self.version(), bucketPrefix: Moto.uniqueName("releases"))
        let release = FileManager.default.temporaryDirectory.appendingPathComponent("release-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: release) }
        try ReleaseAssembler(layout: layout, commit: "e2e", regions: ["us-east-1", "eu-west-1"])
            .assemble(artifacts: Self.dist, templates: BuiltProducts.packageRoot.appendingPathComponent("cfn"), into: release)
        let awsCLI = BuiltProducts.packageRoot.appendingPathComponent(".build/awscli-venv/bin/aws").path
        let publish = try await CommandRunner.run(
            BuiltProducts.packageRoot.appendingPathComponent("scripts/publish-release.sh").path, [release.path],
            environment: try Ministack.cliEnvironment().merging(["AWS_CLI": awsCLI]) { $1 })
        try #require(publish.status == 0, "publish-release.sh: \(publish.standardOutput)\(publish.standardError)")
        for region in ["us-east-1", "eu-west-1"] {
            let s3 = try S3Client(configuration: try Ministack.configuration(region: Region(rawValue: region)))
            let head = try await s3.headObject(bucket: layout.bucket(in: region), key: layout.key("existing-user-pool.json"))
            #expect((head.contentLength ?? 0) > 0, "the release is in \(region)")
        }

        // The user's pool, and their machine: glibc and the CLI archive, nothing else.
        let poolId = try await DemoPool.create(cognito: engine.cognito, name: Moto.uniqueName("release"))
        let original = try await engine.snapshot(pool: poolId)
        let archive = Self.dist.appendingPathComponent(ReleaseAssembler.cliArchiveName(version: layout.version))
        let sandbox = try await LambdaSandbox.make(function: archive)
        defer { sandbox.remove() }
        let credentials = try await LoopbackHTTPStandIn { request in
            guard request.header("Authorization") == "cloudshell-token" else { return .text("no token", status: 401) }
            return .json([
                "AccessKeyId": "ASIACLOUDSHELL", "SecretAccessKey": "cloudshell-secret", "Token": "cloudshell-session",
                "Expiration": .string(Date().addingTimeInterval(3600).formatted(Date.ISO8601FormatStyle())),
            ])
        }
        let endpoint = try #require(Moto.environment["MINISTACK_ENDPOINT_URL"]).replacingOccurrences(of: "://127.0.0.1:", with: "://localhost:")
        let shell: [String: String] = [
            "AWS_ENDPOINT_URL": endpoint, "AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_SESSION_TOKEN": "",
            "AWS_PROFILE": "", "AWS_CONFIG_FILE": "/nonexistent", "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent", "AWS_EC2_METADATA_DISABLED": "true",
            "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://localhost:\(credentials.port)/latest/meta-data/container/security-credentials",
            "AWS_CONTAINER_AUTHORIZATION_TOKEN": "cloudshell-token",
        ]
        let cli = "/var/task/bin/smsredirect"
        let stack = StackEngine.stackName("release")

        let deploy = try await sandbox.run(
            cli,
            [
                "deploy", "--stack", stack, "--email", "codes@example.com", "--user-pool-id", poolId, "--sms-role-arn", DemoPool.smsRoleArn,
                "--release-bucket-prefix", layout.bucketPrefix,
            ], environment: shell)
        #expect(deploy.status == 0, "\(deploy.standardOutput)\(deploy.standardError)\nministack's log: \(Ministack.log)")
        #expect(deploy.standardOutput.contains("template: release \(layout.version), s3://\(layout.bucket(in: "us-east-1"))/"), "\(deploy.standardOutput)")
        #expect(deploy.standardOutput.contains("SMSRedirectAttachment  Custom::SMSRedirectAttachment  CREATE_COMPLETE"), "progress lines as events arrive")
        #expect(deploy.standardOutput.contains("\(stack) is CREATE_COMPLETE"))
        #expect(deploy.standardOutput.contains("  UserPoolId: \(poolId)"), "the outputs at the end")
        #expect(!credentials.requests.isEmpty, "the credentials came from the container endpoint")

        let deployed = try await engine.cloudFormation.describeStack(name: stack)
        let sender = try await engine.lambda.getFunctionConfiguration(functionName: try #require(deployed.outputs["SenderFunctionName"]))
        #expect(sender.layers.count == 1, "the release's layer is on the sender")
        let delivery = try await engine.sendACode(.smsForgotPassword, through: deployed, poolId: poolId)
        #expect(delivery.record?["code"]?.stringValue == delivery.sent, "a code through the released sender: \(delivery.wait.standardError)")

        let again = try await sandbox.run(
            cli,
            [
                "deploy", "--stack", stack, "--email", "codes@example.com", "--user-pool-id", poolId, "--sms-role-arn", DemoPool.smsRoleArn,
                "--release-bucket-prefix", layout.bucketPrefix,
            ], environment: shell)
        #expect(
            again.status == 0 && again.standardOutput.contains("unchanged: \(stack) already has this template"), "\(again.standardOutput)\(again.standardError)"
        )

        let destroy = try await sandbox.run(cli, ["destroy", "--stack", stack], environment: shell)
        #expect(destroy.status == 0, "\(destroy.standardOutput)\(destroy.standardError)")
        #expect(destroy.standardOutput.contains("the pool \(poolId) is restored as it was before the stack"), "\(destroy.standardOutput)")
        #expect(original.differences(to: try await engine.snapshot(pool: poolId)) == [], "the pool exactly as it was")
    }

    /// A failed stack: the first failing event and its reason, exit 1; bad input: exit 2 before any call.
    @Test func aFailedDeployShowsItsFirstFailureAndBadInputIsRefusedFirst() async throws {
        let smsredirect = try BuiltProducts.path("smsredirect")
        let environment = try Ministack.cliEnvironment()
        let stack = StackEngine.stackName("fails")
        let failed = try await CommandRunner.run(
            smsredirect,
            [
                "deploy", "--stack", stack, "--email", "codes@example.com", "--user-pool-id", "us-east-1_NoSuchPool9",
                "--template", BuiltProducts.packageRoot.appendingPathComponent("cfn/existing-user-pool.json").path, "--artifacts", Self.dist.path,
                "--json",
            ], environment: environment)
        #expect(failed.status == 1, "\(failed.standardOutput)\(failed.standardError)")
        let lines = failed.standardOutput.split(separator: "\n").compactMap { try? JSONValue(data: Data($0.utf8)) }
        let result = try #require(lines.last)
        #expect(result["type"] == "result" && result["ok"] == false && result["status"] == "ROLLBACK_COMPLETE", "\(result)")
        #expect(
            result["message"]?.stringValue?.contains("SMSRedirectAttachment: ") == true
                && result["message"]?.stringValue?.contains("us-east-1_NoSuchPool9") == true)
        #expect(lines.contains { $0["type"] == "event" && $0["status"] == "CREATE_FAILED" }, "one JSON object per event")
        let redeploy = try await CommandRunner.run(
            smsredirect,
            [
                "deploy", "--stack", stack, "--email", "codes@example.com", "--user-pool-id", "us-east-1_NoSuchPool9",
                "--template", BuiltProducts.packageRoot.appendingPathComponent("cfn/existing-user-pool.json").path, "--artifacts", Self.dist.path,
            ], environment: environment)
        #expect(redeploy.status == 1 && redeploy.standardError.contains("is ROLLBACK_COMPLETE: CloudFormation cannot update it"), "\(redeploy.standardError)")

        // Nothing listens at this endpoint: bad input must be refused without trying it.
        let bad = try await CommandRunner.run(
            smsredirect, ["deploy", "--stack", "x_y", "--email", "nobody"], environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_REGION": "us-east-1"])
        #expect(bad.status == 2, "\(bad.standardError)")
        #expect(bad.standardError.contains("--stack 'x_y' will not do") && bad.standardError.contains("--email 'nobody' will not do"), "\(bad.standardError)")
        // A region the project publishes no release to: its bucket name there could be anyone's, so nothing is read from it.
        let elsewhere = try await CommandRunner.run(
            smsredirect, ["deploy", "--stack", "ok", "--email", "a@example.com"],
            environment: ["AWS_ENDPOINT_URL": "http://127.0.0.1:9", "AWS_REGION": "af-south-1"])
        #expect(elsewhere.status == 1 && elsewhere.standardError.contains("releases are published to us-east-1"), "\(elsewhere.standardError)")
        #expect(elsewhere.standardError.contains("not af-south-1"))
    }
}
