import AWSCore
import Foundation
import Testing
import TestSupport

/// Retries in the "standard" mode and the error type, over HTTP to moto; the faults moto can't
/// produce come from `FaultInjectingTransport` and `MisbehavingServer`.
@Suite(.needsMoto)
struct RetryAndFaultTests {
    static let kms = ServiceDescriptor(
        serviceId: "KMS", signingName: "kms", endpointPrefix: "kms", wireProtocol: .awsJSON(version: "1.1", targetPrefix: "TrentService"))

    func kmsClient(_ transport: any HTTPTransport, retry: RetryPolicy = Moto.quickRetries) throws -> AWSServiceClient {
        try AWSServiceClient(service: Self.kms, configuration: Moto.configuration(transport: transport, retry: retry))
    }

    @Test func throttlingThenSuccessIsRetried() async throws {
        let transport = FaultInjectingTransport(faults: [FaultInjectingTransport.throttling(), FaultInjectingTransport.serviceUnavailable()])
        let output = try await kmsClient(transport).json("ListKeys", [:])
        #expect(output["Keys"]?.arrayValue != nil)
        #expect(transport.attempts == 3)
    }

    @Test func droppedConnectionThenSuccessIsRetried() async throws {
        let transport = FaultInjectingTransport(faults: [.connectionDropped, .timedOut])
        _ = try await kmsClient(transport).json("ListKeys", [:])
        #expect(transport.attempts == 3)
    }

    @Test func retriesStopAfterThreeAttempts() async throws {
        let transport = FaultInjectingTransport(faults: Array(repeating: FaultInjectingTransport.throttling(), count: 5))
        let error = try await #require(throws: AWSError.self) { try await kmsClient(transport).json("ListKeys", [:]) }
        #expect(transport.attempts == 3)
        #expect(error.code == "ThrottlingException")
        #expect(error.statusCode == 400)
        #expect(error.requestId == "injected-throttle")
        #expect(error.isThrottling)
    }

    @Test func clientErrorIsNeverRetried() async throws {
        let transport = CountingTransport()
        let error = try await #require(throws: AWSError.self) {
            try await kmsClient(transport).json("DescribeKey", ["KeyId": "alias/does-not-exist"])
        }
        #expect(transport.count == 1)
        #expect(error.kind == .service)
        #expect(error.code == "NotFoundException")
        #expect(error.statusCode == 400)
        #expect(error.service == "KMS")
        #expect(error.operation == "DescribeKey")
        #expect(!error.message.isEmpty)
        #expect(!error.isRetryable)
    }

    @Test func malformedBodyIsAnErrorNotACrash() async throws {
        let transport = FaultInjectingTransport(faults: [.status(200, body: "{\"Keys\": [tru")])
        let error = try await #require(throws: AWSError.self) { try await kmsClient(transport, retry: .none).json("ListKeys", [:]) }
        #expect(error.kind == .malformedResponse)
        #expect(error.code == "MalformedResponse")
        #expect(error.statusCode == 200)
    }

    @Test func errorBodyThatIsNotJSONStillGivesStatusAndText() async throws {
        let transport = FaultInjectingTransport(faults: [.status(502, body: "Bad Gateway from a proxy")])
        let error = try await #require(throws: AWSError.self) { try await kmsClient(transport, retry: .none).json("ListKeys", [:]) }
        #expect(error.statusCode == 502)
        #expect(error.code == "HTTP502")
        #expect(error.message.contains("Bad Gateway"))
        #expect(error.isRetryable)
    }

    @Test func refusedConnectionNamesTheEndpoint() async throws {
        // A port that was free a moment ago: nothing listens there.
        let server = try await MisbehavingServer(.closeImmediately)
        let url = server.url
        try await server.shutdown()
        var configuration = try Moto.configuration()
        configuration.environment = ["AWS_ENDPOINT_URL": url]
        let client = try AWSServiceClient(service: Self.kms, configuration: configuration)
        let error = try await #require(throws: AWSError.self) { try await client.json("ListKeys", [:]) }
        #expect(error.kind == .transport)
        #expect(error.code == "NetworkError")
        #expect(error.endpoint == url)
        #expect(error.description.contains(url))
    }

    @Test func connectionClosedBySocketIsATransportError() async throws {
        let server = try await MisbehavingServer(.closeImmediately)
        defer { Task { try? await server.shutdown() } }
        let transport = CountingTransport()
        var configuration = try Moto.configuration(transport: transport)
        configuration.environment = ["AWS_ENDPOINT_URL": server.url]
        let error = try await #require(throws: AWSError.self) {
            try await AWSServiceClient(service: Self.kms, configuration: configuration).json("ListKeys", [:])
        }
        #expect(error.kind == .transport)
        #expect(transport.count == 3)
    }

    @Test func serverThatNeverAnswersTimesOut() async throws {
        let server = try await MisbehavingServer(.neverRespond)
        defer { Task { try? await server.shutdown() } }
        var configuration = try Moto.configuration(retry: .none)
        configuration.environment = ["AWS_ENDPOINT_URL": server.url]
        configuration.timeout = .milliseconds(300)
        let started = ContinuousClock.now
        let error = try await #require(throws: AWSError.self) {
            try await AWSServiceClient(service: Self.kms, configuration: configuration).json("ListKeys", [:])
        }
        #expect(error.code == "RequestTimeout")
        #expect(error.kind == .transport)
        // Generous bound: this checks that the timeout applies at all, not how fast it fires.
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func backoffIsFullJitterUnderACap() {
        let policy = RetryPolicy(maxAttempts: 3, baseDelay: .seconds(1), maxDelay: .seconds(20))
        #expect(policy.delay(beforeRetry: 1, random: 0.999) < .seconds(1))
        #expect(policy.delay(beforeRetry: 2, random: 0.5) == .seconds(1))
        #expect(policy.delay(beforeRetry: 10, random: 0.5) == .seconds(10))
        #expect(policy.delay(beforeRetry: 3, random: 0) == .zero)
    }

    @Test func errorDescriptionReadsWell() {
        let error = AWSError(
            service: "KMS", operation: "Decrypt", statusCode: 400, code: "AccessDeniedException",
            message: "User is not authorized to perform kms:Decrypt", requestId: "abc-123", endpoint: "https://kms.us-east-1.amazonaws.com")
        #expect(error.description == "KMS Decrypt failed: AccessDeniedException: User is not authorized to perform kms:Decrypt (HTTP 400, request id abc-123)")
    }
}
