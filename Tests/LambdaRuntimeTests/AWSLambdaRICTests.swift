import AWSCore
import Foundation
import Testing
import TestSupport

@testable import LambdaLocal
@testable import LambdaRuntime

/// Fidelity check: AWS's own Python runtime interface client (awslambdaric) runs a
/// handler against the loopback Runtime API. If the server departs from the protocol
/// Lambda speaks, AWS's client notices. Fails (not skips) when awslambdaric is absent:
/// install it with `make deps-lambdaric`.
@Suite(.needsPython("awslambdaric")) struct AWSLambdaRICTests {
    static let python = ProcessInfo.processInfo.environment["PYTHON"] ?? "python3"

    static func requireAWSLambdaRIC() async throws {
        let check = try await CommandRunner.run("/usr/bin/env", [python, "-c", "import awslambdaric"])
        guard check.status == 0 else {
            throw TestFailure("\(python) cannot import awslambdaric; run `make deps-lambdaric`")
        }
    }

    /// Runs `python3 -m awslambdaric echo_handler.handler` against a loopback Runtime API.
    static func withPythonRuntime(_ body: (LoopbackRuntimeAPI) async throws -> Void) async throws {
        try await requireAWSLambdaRIC()
        try await withSpawnedRuntime(
            executable: python,
            arguments: ["-m", "awslambdaric", "echo_handler.handler"],
            environment: [
                "PYTHONPATH": Paths.pythonHandlers,
                "LAMBDA_TASK_ROOT": Paths.pythonHandlers,
                "_HANDLER": "echo_handler.handler",
                "AWS_LAMBDA_FUNCTION_NAME": "ric-echo",
                "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
            ],
            body
        )
    }

    @Test func responseRoundTripsThroughAWSsClient() async throws {
        let traceID = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
        try await Self.withPythonRuntime { api in
            let outcome = await api.invoke(
                event: json(#"{"echo":{"code":"ab12","list":[1,"two",null,true],"nested":{"x":1.5}}}"#),
                deadline: Date().addingTimeInterval(600),
                traceID: traceID,
                requestID: "ric-request-1"
            )
            let object = try outcome.jsonObject()
            let echo = try #require(object["echo"]?.objectValue)
            #expect(echo["code"]?.stringValue == "ab12")
            #expect(echo["list"]?.arrayValue?.count == 4)
            #expect(echo["nested"]?["x"]?.doubleValue == 1.5)
            #expect(object["requestId"]?.stringValue == "ric-request-1")
            #expect(object["invokedFunctionArn"]?.stringValue == api.functionARN)
            #expect(object["functionName"]?.stringValue == "ric-echo")
            #expect(object["memoryLimitInMB"]?.stringValue == "256")
            #expect(object["traceIdEnvironment"]?.stringValue == traceID)
            let remaining = try #require(object["remainingMs"]?.intValue.map(Int64.init))
            // AWS's client derived it from our deadline header (not a measure of speed).
            #expect(remaining > 0 && remaining <= 600_000)
            #expect(api.posts.map(\.kind) == [.response])
            #expect(api.posts.first?.requestID == "ric-request-1")
        }
    }

    @Test func raisingHandlerIsReportedWithItsTypeAndMessage() async throws {
        try await Self.withPythonRuntime { api in
            let failed = await api.invoke(event: json(#"{"fail":"kaboom"}"#), timeout: .seconds(60))
            #expect(failed == .error(type: "EchoError", message: "kaboom"))
            let post = try #require(api.posts.first)
            #expect(post.kind == .error)
            let document = try #require(try JSONValue(data: post.body).objectValue)
            #expect(document["errorType"]?.stringValue == "EchoError")
            #expect(document["errorMessage"]?.stringValue == "kaboom")
            #expect(document["stackTrace"]?.arrayValue != nil)
            // The same process goes on to serve the next invocation.
            let next = await api.invoke(event: json(#"{"echo":"again"}"#), timeout: .seconds(60))
            #expect(try next.jsonObject()["echo"]?.stringValue == "again")
        }
    }
}
