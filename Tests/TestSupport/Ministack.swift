import AWSCore
import Foundation
import Logging

/// ministack, the CloudFormation engine `make test-stack` starts on loopback
/// (scripts/with-ministack.sh), and client configurations that talk to it.
public enum Ministack {
    /// Why a test that needs the engine can't run: it fails, loudly, rather than skipping.
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String {
            "MINISTACK_ENDPOINT_URL is not set: these tests deploy the templates through ministack, which `make test-stack` starts (scripts/with-ministack.sh). Run `make test-stack`, or `scripts/with-ministack.sh swift test --filter StackEngineTests`."
        }
    }

    /// A configuration for ministack: dummy credentials, us-east-1, the tests' answer timeout and quick retries.
    public static func configuration(region: Region = "us-east-1") throws -> AWSClientConfiguration {
        guard let url = Moto.environment["MINISTACK_ENDPOINT_URL"], !url.isEmpty else { throw Unavailable() }
        return AWSClientConfiguration(
            region: region, credentials: StaticCredentialsProvider(AWSCredentials(accessKeyId: "testing", secretAccessKey: "testing")),
            environment: ["AWS_ENDPOINT_URL": url], transport: Moto.testTransport(), retry: Moto.quickRetries, timeout: Moto.answerTimeout,
            logger: Logger(label: "test"))
    }

    /// What a CLI process needs, over the test process's environment, to reach the engine.
    public static func cliEnvironment() throws -> [String: String] {
        guard let url = Moto.environment["MINISTACK_ENDPOINT_URL"], !url.isEmpty else { throw Unavailable() }
        return [
            "AWS_ENDPOINT_URL": url, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
        ]
    }

    /// The engine's log (the stack events' detail, what the Lambdas it ran printed), which every
    /// failing engine test names.
    public static var log: String { Moto.environment["MINISTACK_LOG"] ?? "(MINISTACK_LOG is not set)" }

    /// The account ministack reports.
    public static let accountId = "000000000000"
}
