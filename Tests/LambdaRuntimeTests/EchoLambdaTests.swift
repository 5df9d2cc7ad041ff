import AWSCore
import Foundation
import Testing

@testable import LambdaLocal
@testable import LambdaRuntime

/// The runtime as a real process (the EchoLambda executable) under ``LocalInvoker``
/// and the loopback Runtime API.
@Suite struct EchoLambdaTests {
    @Test func happyPathEchoesTheEventAndTheInvocationContext() async throws {
        let report = try await LocalInvoker(try echoConfiguration())
            .invoke(event: json(#"{"echo":{"to":"+15550100","n":[1,2,3]}}"#))

        let object = try report.outcome.jsonObject()
        let echo = try #require(object["echo"]?.objectValue)
        #expect(echo["to"]?.stringValue == "+15550100")
        #expect(echo["n"]?.arrayValue?.compactMap(\.intValue) == [1, 2, 3])
        #expect(object["greeting"]?.stringValue == "hello")
        #expect(object["requestId"]?.stringValue == report.posts.first?.requestID)
        #expect(object["invokedFunctionArn"]?.stringValue?.hasSuffix(":function:smsredirect-local") == true)
        #expect(report.posts.map(\.kind) == [.response])
        #expect(report.timeToFirstAnswer != nil)
        #expect(report.durations.count == report.outcomes.count)
        #if os(Linux)
            // Lambda's "Max Memory Used": the child's VmHWM, read while it still runs.
            #expect((report.maxMemoryUsedKiB ?? 0) > 0)
        #endif
        // The runtime waits for more work until it is stopped.
        #expect(report.exit == .signaled(SIGTERM))
    }

    @Test func handlerErrorIsPostedAsAnInvocationError() async throws {
        let report = try await LocalInvoker(try echoConfiguration()).invoke(event: json(#"{"fail":"boom"}"#))
        #expect(report.outcome == .error(type: "EchoFailure", message: "boom"))
        #expect(report.posts.first?.kind == .error)
        #expect(report.posts.first?.errorTypeHeader == "EchoFailure")
    }

    @Test func missingEnvironmentVariableIsAnInitErrorAndTheProcessExitsNonZero() async throws {
        let configuration = try echoConfiguration(environment: [:])
        #expect(ProcessInfo.processInfo.environment["ECHO_GREETING"] == nil, "the test shell must not set ECHO_GREETING")
        let report = try await LocalInvoker(configuration).invoke(event: json("{}"))

        guard case .initError(let type, let message) = report.outcome else {
            Issue.record("expected an init error, got \(report.outcome)")
            return
        }
        #expect(type == "Runtime.MissingEnvironmentVariable")
        #expect(message.contains("ECHO_GREETING"))
        #expect(report.posts.map(\.kind) == [.initError])
        #expect(report.exit == .exited(1))
    }

    @Test func deadlineAndTraceIDReachTheHandler() async throws {
        // Far enough ahead that a loaded machine's cold start can't use it up: this checks that the
        // deadline travels and remaining time derives from it, not how fast anything runs.
        let deadline = Date().addingTimeInterval(600)
        let traceID = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
        try await withSpawnedRuntime(executable: try Paths.product("EchoLambda"), environment: ["ECHO_GREETING": "x"]) { api in
            let outcome = await api.invoke(event: json("{}"), deadline: deadline, traceID: traceID, requestID: "fixed-request-id")
            let object = try outcome.jsonObject()
            #expect(object["requestId"]?.stringValue == "fixed-request-id")
            #expect(object["traceId"]?.stringValue == traceID)
            #expect(object["traceIdEnvironment"]?.stringValue == traceID)
            #expect(object["deadlineMs"]?.intValue.map(Int64.init) == Int64((deadline.timeIntervalSince1970 * 1000).rounded()))
            let remaining = try #require(object["remainingMs"]?.intValue.map(Int64.init))
            #expect(remaining > 0 && remaining <= 600_000)
        }
    }

    @Test func burstOfInvocationsIsServedByOneProcess() async throws {
        let events = (0..<6).map { index in
            index == 3 ? json(#"{"fail":"third"}"#) : json(#"{"echo":\#(index)}"#)
        }
        let report = try await LocalInvoker(try echoConfiguration()).invoke(events: events)

        #expect(report.outcomes.count == 6)
        #expect(report.outcomes[3] == .error(type: "EchoFailure", message: "third"))
        let replies = try report.outcomes.enumerated().filter { $0.offset != 3 }.map { try $0.element.jsonObject() }
        #expect(replies.map { $0["echo"]?.intValue } == [0, 1, 2, 4, 5])
        #expect(Set(replies.compactMap { $0["pid"]?.intValue }).count == 1)
        #expect(Set(replies.compactMap { $0["requestId"]?.stringValue }).count == 5)
        // Each invocation sees its own trace header in the environment.
        let traces = replies.compactMap { $0["traceIdEnvironment"]?.stringValue }
        #expect(traces.count == 5 && Set(traces).count == 5)
        #expect(replies.allSatisfy { $0["traceIdEnvironment"]?.stringValue == $0["traceId"]?.stringValue })
    }

    @Test func concurrentlyQueuedInvocationsAreServedInTurn() async throws {
        try await withSpawnedRuntime(executable: try Paths.product("EchoLambda"), environment: ["ECHO_GREETING": "x"]) { api in
            let outcomes = await withTaskGroup(of: InvocationOutcome.self) { group in
                for index in 0..<8 {
                    group.addTask { await api.invoke(event: json(#"{"echo":\#(index)}"#), timeout: .seconds(60)) }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let replies = try outcomes.map { try $0.jsonObject() }
            #expect(Set(replies.compactMap { $0["echo"]?.intValue }) == Set(0..<8))
            #expect(Set(replies.compactMap { $0["pid"]?.intValue }).count == 1)
        }
    }

    @Test func slowHandlerTimesOutAndIsStopped() async throws {
        let report = try await LocalInvoker(try echoConfiguration(timeout: .milliseconds(300)))
            .invoke(events: [json(#"{"sleepMilliseconds":60000}"#), json("{}")])
        #expect(report.outcomes == [.timedOut])
        // Stopped by the invoker, not left to finish its minute of sleep.
        #expect(report.exit == .signaled(SIGTERM))
    }

    @Test func runtimeDyingMidInvocationIsReported() async throws {
        let report = try await LocalInvoker(try echoConfiguration()).invoke(event: json(#"{"exitStatus":7}"#))
        #expect(report.outcome == .runtimeExited(status: 7))
        #expect(report.exit == .exited(7))
        #expect(report.posts.isEmpty)
    }

    @Test func logsAreJSONLinesWithTheRequestIDAndNeverThePayload() async throws {
        let log = TemporaryFile()
        let secret = "code-829314-do-not-log"
        let report = try await LocalInvoker(try echoConfiguration(output: .file(log.path)))
            .invoke(events: [json(#"{"echo":"\#(secret)"}"#), json(#"{"fail":"nope"}"#)])
        let requestIDs = report.posts.compactMap(\.requestID)
        #expect(requestIDs.count == 2)

        let lines = log.contents.split(separator: "\n")
        #expect(lines.count >= 3)
        var requestIDsLogged: [String] = []
        for line in lines {
            let object = try #require(try JSONValue(data: Data(line.utf8)).objectValue, "not JSON: \(line)")
            #expect(object["timestamp"]?.stringValue != nil)
            #expect(["INFO", "ERROR"].contains(object["level"]?.stringValue ?? ""))
            #expect(object["message"]?.stringValue != nil)
            if let id = object["requestId"]?.stringValue { requestIDsLogged.append(id) }
        }
        #expect(Set(requestIDsLogged) == Set(requestIDs))
        #expect(lines.contains { $0.contains(#""level":"ERROR""#) && $0.contains(#""errorType":"EchoFailure""#) })
        #expect(!log.contents.contains(secret))
    }

    @Test func unknownBootstrapIsASpawnError() async throws {
        let configuration = LocalInvoker.Configuration(executable: "/nonexistent/bootstrap")
        await #expect(throws: BootstrapSpawnError.self) {
            _ = try await LocalInvoker(configuration).invoke(event: json("{}"))
        }
    }

    @Test func childEnvironmentCarriesLambdaVariablesAndOverrides() throws {
        let invoker = LocalInvoker(
            LocalInvoker.Configuration(
                executable: "/opt/fn/bootstrap",
                environment: ["FOO": "bar", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512"],
                inheritEnvironment: false,
                functionName: "sender",
                region: "eu-west-1",
                handler: "sender.handler"
            ))
        let environment = invoker.childEnvironment(runtimeAPI: RuntimeAPIEndpoint(host: "127.0.0.1", port: 9001))
        #expect(environment["AWS_LAMBDA_RUNTIME_API"] == "127.0.0.1:9001")
        #expect(environment["AWS_LAMBDA_FUNCTION_NAME"] == "sender")
        #expect(environment["AWS_LAMBDA_FUNCTION_VERSION"] == "$LATEST")
        #expect(environment["AWS_LAMBDA_FUNCTION_MEMORY_SIZE"] == "512")
        #expect(environment["AWS_REGION"] == "eu-west-1")
        #expect(environment["_HANDLER"] == "sender.handler")
        #expect(environment["LAMBDA_TASK_ROOT"] == "/opt/fn")
        #expect(environment["FOO"] == "bar")
        #expect(environment["PATH"] == nil)
    }
}
