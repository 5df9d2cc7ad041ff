import AWSCore
import AWSServices
import Foundation
import Testing
import TestSupport

/// The CLI archive `make package` writes (`make test` makes it from its debug build): named after
/// `smsredirect --version`, needing nothing but glibc, and installed by `make install`.
@Suite(.needsMoto, .needsZips, .needsRoot)
struct CLIArchiveTests {
    static func archive() throws -> URL {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: PackagingTests.dist.path)) ?? [])
            .filter { $0.hasPrefix("smsredirect-") && $0.hasSuffix("-linux-x86_64.tar.gz") }
        guard names.count == 1 else { throw PackagingTests.MissingPackage(path: "dist/smsredirect-<version>-linux-x86_64.tar.gz (found \(names))") }
        return PackagingTests.dist.appendingPathComponent(names[0])
    }

    /// In a root holding only glibc, as bare as a Lambda's: the CLI prints its version, and takes a
    /// code from an inbox on moto (name resolution, HTTP, SigV4, the SQS and SNS formats, all linked in).
    @Test func theStaticCLIRunsInABareRootAndTakesACode() async throws {
        let archive = try Self.archive()
        let sandbox = try await LambdaSandbox.make(function: archive)
        defer { sandbox.remove() }
        let cli = "/var/task/bin/smsredirect"

        let version = try await sandbox.run(cli, ["--version"])
        #expect(version.status == 0, "\(version.standardError)")
        let printed = version.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(archive.lastPathComponent == "smsredirect-\(printed)-linux-x86_64.tar.gz")
        #expect(printed.split(separator: ".").count == 3 && printed.allSatisfy { $0.isNumber || $0 == "." }, "\(printed)")

        let sns = try SNSClient(configuration: Moto.configuration())
        let sqs = try SQSClient(configuration: Moto.configuration())
        let topic = try await sns.createTopic(name: Moto.uniqueName("codes"))
        let queue = try await sqs.createQueue(name: Moto.uniqueName("inbox"))
        _ = try await sns.subscribe(topicArn: topic, protocol: "sqs", endpoint: try #require(try await sqs.getQueueAttributes(queueUrl: queue)["QueueArn"]))
        let phone = "+15555550142"
        let record: JSONValue = [
            "code": "424242", "purpose": "sign-up verification code", "triggerSource": "CustomSMSSender_SignUp", "channel": "sms",
            "userPoolId": "us-east-1_Archive", "userName": "ana", "phoneNumber": .string(phone), "clientMetadata": [:], "region": "us-east-1",
            "time": .string(Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))),
        ]
        SecretLedger.record(.code, "424242")
        _ = try await sns.publish(topicArn: topic, message: record.jsonString)

        let wait = try await sandbox.run(
            cli, ["wait-code", "--queue-url", queue, "--phone", phone, "--timeout", "20", "--json"],
            environment: ["AWS_ENDPOINT_URL": try LambdaSandbox.endpointByName()])
        #expect(wait.status == 0, "\(wait.standardError)")
        #expect(try JSONValue(data: Data(wait.standardOutput.utf8))["code"]?.stringValue == "424242")
    }

    @Test func installPutsTheCLIAndItsREADMEUnderThePrefix() async throws {
        let archive = try Self.archive()
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("prefix-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: prefix) }
        let script = BuiltProducts.packageRoot.appendingPathComponent("scripts/install-cli.sh").path

        let installed = try await CommandRunner.run(script, [archive.path, prefix.path])
        #expect(installed.status == 0, "\(installed.standardError)")
        #expect(installed.standardOutput.contains("installed \(prefix.path)/bin/smsredirect"), "\(installed.standardOutput)")
        let help = try await CommandRunner.run(prefix.appendingPathComponent("bin/smsredirect").path, ["wait-code", "--help"])
        #expect(help.status == 0 && help.standardOutput.contains("--queue-url"), "\(help.standardOutput)")
        #expect(FileManager.default.fileExists(atPath: prefix.appendingPathComponent("share/doc/smsredirect/README.md").path))

        let missing = try await CommandRunner.run(script, [prefix.appendingPathComponent("none.tar.gz").path, prefix.path])
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("run `make package` first"), "\(missing.standardError)")
    }
}
