import AWSCore
import AWSServices
import Foundation
import Logging

/// The moto servers `make test` starts on loopback, and client configurations that talk to them.
public enum Moto {
    /// Why a test that needs moto can't run: it fails, loudly, rather than skipping.
    public struct Unavailable: Error, CustomStringConvertible {
        public let variable: String
        public var description: String {
            "\(variable) is not set: these tests need the moto servers that `make test` starts (scripts/with-moto.sh). Run `make test`, or `scripts/with-moto.sh swift test`."
        }
    }

    public static var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The plain moto server's URL.
    public static func endpoint() throws -> String {
        guard let url = environment["AWS_ENDPOINT_URL"], !url.isEmpty else { throw Unavailable(variable: "AWS_ENDPOINT_URL") }
        return url
    }

    /// A configuration for the plain moto server: dummy credentials, us-east-1, quick retries.
    public static func configuration(
        region: Region = "us-east-1", credentials: AWSCredentials = AWSCredentials(accessKeyId: "testing", secretAccessKey: "testing"),
        endpointVariable: String = "AWS_ENDPOINT_URL", transport: any HTTPTransport = Moto.testTransport(),
        retry: RetryPolicy = Moto.quickRetries
    ) throws -> AWSClientConfiguration {
        guard let url = environment[endpointVariable], !url.isEmpty else { throw Unavailable(variable: endpointVariable) }
        return AWSClientConfiguration(
            region: region, credentials: StaticCredentialsProvider(credentials),
            environment: ["AWS_ENDPOINT_URL": url], transport: transport, retry: retry,
            timeout: answerTimeout, logger: Logger(label: "test"))
    }

    /// How long a test waits for something that will come (a code in the inbox, a stack's answer):
    /// a wait that succeeds returns as soon as it comes, so this costs nothing on a fast run, and on
    /// a machine so busy that moto answers in tens of seconds it keeps the test from failing on
    /// speed alone. A slow emulator tolerated on purpose, by this name; no production timeout changes.
    public static let arrivalTimeout: Duration = .seconds(120)

    /// How long a wait that must time out listens when the test reads what it saw (its timeout
    /// message): long enough for a busy moto to answer its first receive (a few seconds at worst
    /// under `make test-under-load`). Such a wait always takes this long, so it is not longer.
    public static let listenBeforeTimingOut: Duration = .seconds(10)

    /// How long a test's own AWS call waits for moto's answer before it is retried. Longer than
    /// any production timeout on purpose: a retry re-sends a write that may have landed, and on a
    /// busy machine moto has taken tens of seconds to answer. The product's own calls (the helper,
    /// the sender, the CLI) keep their production timeouts, and converge when an answer is lost.
    public static let answerTimeout: Duration = .seconds(90)

    /// The standard policy's three attempts with millisecond backoff, so fault tests stay fast.
    public static let quickRetries = RetryPolicy(maxAttempts: 3, baseDelay: .milliseconds(5), maxDelay: .milliseconds(50))

    /// A name no other test (or earlier run against the same server) uses.
    public static func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// The account moto reports.
    public static let accountId = "123456789012"
}

/// IAM for the tests: a Lambda role (through AWSServices' IAMClient) and what the signature test
/// needs besides (a user with an access key and a policy), which the project itself never calls.
public struct IAMTestClient: Sendable {
    let iam: IAMClient
    var client: AWSServiceClient { iam.client }

    public init(configuration: AWSClientConfiguration) throws {
        iam = try IAMClient(configuration: configuration)
    }

    public func createLambdaRole(name: String) async throws -> String {
        do {
            return try await iam.createLambdaRole(name: name)
        } catch let error as AWSError where error.isAlreadyExists {
            // A retried create whose first attempt landed: the role (a name of the caller's own) is there.
            guard let arn = try await client.query("GetRole", [("RoleName", name)]).descendant("Arn")?.text else { throw error }
            return arn
        }
    }

    public func createUser(name: String) async throws {
        _ = try await client.query("CreateUser", [("UserName", name)])
    }

    public func createAccessKey(userName: String) async throws -> AWSCredentials {
        let result = try await client.query("CreateAccessKey", [("UserName", userName)])
        guard let keyId = result.descendant("AccessKeyId")?.text, let secret = result.descendant("SecretAccessKey")?.text else {
            throw MissingFieldError(field: "AccessKey")
        }
        return AWSCredentials(accessKeyId: keyId, secretAccessKey: secret)
    }

    public func putUserPolicy(userName: String, policyName: String, document: String) async throws {
        _ = try await client.query("PutUserPolicy", [("UserName", userName), ("PolicyName", policyName), ("PolicyDocument", document)])
    }
}
