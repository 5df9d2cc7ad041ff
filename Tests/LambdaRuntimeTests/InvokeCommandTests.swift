import AWSCore
import Foundation
import Testing
import TestSupport

/// `smsredirect invoke` end to end, as a user runs it.
@Suite struct InvokeCommandTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static func smsredirect(_ arguments: [String], stdin: String? = nil) async throws -> Run {
        // The echo Lambda must not find its greeting in the inherited environment.
        let result = try await CommandRunner.run(
            try Paths.product("smsredirect"), arguments, environment: ["ECHO_GREETING": ""],
            input: Data((stdin ?? "").utf8))
        return Run(status: result.status, stdout: result.standardOutput, stderr: result.standardError)
    }

    static func eventFile(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("event-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func printsTheResponseOnStdoutAndExitsZero() async throws {
        let event = try Self.eventFile(#"{"echo":"ping"}"#)
        defer { try? FileManager.default.removeItem(atPath: event) }
        let run = try await Self.smsredirect([
            "invoke", "--bootstrap", try Paths.product("EchoLambda"), "--event", event,
            "--env", "ECHO_GREETING=from-cli", "--function-name", "cli-test", "--region", "eu-west-2",
        ])
        #expect(run.status == 0, "stderr: \(run.stderr)")
        let object = try #require(try JSONValue(data: Data(run.stdout.utf8)).objectValue)
        #expect(object["echo"]?.stringValue == "ping")
        #expect(object["greeting"]?.stringValue == "from-cli")
        #expect(object["invokedFunctionArn"]?.stringValue == "arn:aws:lambda:eu-west-2:000000000000:function:cli-test")
        // The child's logs are passed through, on stderr, keeping stdout for the result.
        #expect(run.stderr.contains(#""message":"echo invoked""#))
        #expect(!run.stdout.contains("echo invoked"))
    }

    @Test func functionErrorGoesToStderrWithExitOne() async throws {
        let run = try await Self.smsredirect(
            ["invoke", "--bootstrap", try Paths.product("EchoLambda"), "--event", "-", "--env", "ECHO_GREETING=x"],
            stdin: #"{"fail":"kaput"}"#
        )
        #expect(run.status == 1)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.contains(#"{"errorMessage":"kaput","errorType":"EchoFailure"}"#))
    }

    @Test func initErrorExitsTwo() async throws {
        let run = try await Self.smsredirect(
            ["invoke", "--bootstrap", try Paths.product("EchoLambda"), "--event", "-"], stdin: "{}"
        )
        #expect(run.status == 2)
        #expect(run.stderr.contains("Runtime.MissingEnvironmentVariable"))
    }

    @Test func timeoutExitsThree() async throws {
        let run = try await Self.smsredirect(
            ["invoke", "--bootstrap", try Paths.product("EchoLambda"), "--event", "-", "--env", "ECHO_GREETING=x", "--timeout", "0.3"],
            stdin: #"{"sleepMilliseconds":10000}"#
        )
        #expect(run.status == 3)
        #expect(run.stderr.contains("Sandbox.Timedout"))
    }

    @Test func badEnvPairIsAUsageError() async throws {
        let run = try await Self.smsredirect(["invoke", "--bootstrap", "x", "--event", "-", "--env", "NOEQUALS"], stdin: "{}")
        #expect(run.status == 64)
        #expect(run.stderr.contains("K=V"))
    }
}
