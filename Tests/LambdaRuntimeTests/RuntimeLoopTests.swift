import AWSCore
import Foundation
import Logging
import NIOPosix
import Testing
import TestSupport

@testable import LambdaLocal
@testable import LambdaRuntime

/// The runtime client loop, in process, against the loopback Runtime API.
@Suite(.tags(.unit)) struct RuntimeLoopTests {
    struct Greeting: Codable, Equatable {
        var name: String
    }

    struct Reply: Codable, Equatable {
        var message: String
        var requestID: String
        var traceID: String?
        var traceIDEnvironment: String?
        var deadlineMilliseconds: Int64
        var remainingMilliseconds: Int64
    }

    struct Refusal: LambdaReportableError {
        var errorType: String { "Greeting.Refused" }
        var errorMessage: String { "will not greet nobody" }
    }

    struct PlainSwiftError: Error {}

    static let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

    static let greeter = ClosureHandler<Greeting, Reply> { event, context in
        if event.name.isEmpty { throw Refusal() }
        if event.name == "plain" { throw PlainSwiftError() }
        let remaining = context.remainingTime.components
        return Reply(
            message: "hello \(event.name)",
            requestID: context.requestID,
            traceID: context.traceID,
            traceIDEnvironment: ProcessInfo.processInfo.environment["_X_AMZN_TRACE_ID"],
            deadlineMilliseconds: context.deadlineMilliseconds,
            remainingMilliseconds: remaining.seconds * 1000 + remaining.attoseconds / 1_000_000_000_000_000
        )
    }

    /// Runs the loop for `count` invocations on its own connection.
    static func serve(_ api: LoopbackRuntimeAPI, count: Int) -> Task<Void, any Error> {
        Task {
            try await HTTPRuntimeAPIClient.withConnection(to: api.endpoint, group: MultiThreadedEventLoopGroup.singleton) { client in
                try await RuntimeLoop(handler: greeter, logger: logger).run(client: &client, maxInvocations: count)
            }
        }
    }

    static func waitForLongPoll(_ api: LoopbackRuntimeAPI) async throws {
        for _ in 0..<500 where api.nextRequestCount == 0 {
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(api.nextRequestCount == 1)
    }

    @Test func longPollIsAnsweredWithTheEventAndTheResponseRoundTrips() async throws {
        try await withLoopback { api in
            let runtime = Self.serve(api, count: 1)
            // The runtime asks before there is work: the event must reach the waiting request.
            try await Self.waitForLongPoll(api)
            // Far ahead: the check is that remaining time derives from the deadline, not a speed.
            let deadline = Date().addingTimeInterval(600)
            let outcome = await api.invoke(
                event: json(#"{"name":"ana"}"#), deadline: deadline, traceID: "Root=1-00000000-000000000000000000000001", requestID: "req-1"
            )
            try await runtime.value

            guard case .response(let body) = outcome else { Issue.record("expected a response, got \(outcome)"); return }
            let reply = try JSONDecoder().decode(Reply.self, from: body)
            #expect(reply.message == "hello ana")
            #expect(reply.requestID == "req-1")
            #expect(reply.traceID == "Root=1-00000000-000000000000000000000001")
            #expect(reply.traceIDEnvironment == reply.traceID)
            #expect(reply.deadlineMilliseconds == Int64((deadline.timeIntervalSince1970 * 1000).rounded()))
            #expect(reply.remainingMilliseconds > 0 && reply.remainingMilliseconds <= 600_000)
            #expect(api.posts.map(\.kind) == [.response])
            #expect(api.posts.first?.requestID == "req-1")
        }
    }

    @Test func reportableErrorIsPostedWithItsTypeHeaderAndDocumentedBody() async throws {
        try await withLoopback { api in
            let runtime = Self.serve(api, count: 1)
            let outcome = await api.invoke(event: json(#"{"name":""}"#), timeout: .seconds(60))
            try await runtime.value

            #expect(outcome == .error(type: "Greeting.Refused", message: "will not greet nobody"))
            let post = try #require(api.posts.first)
            #expect(post.kind == .error)
            #expect(post.errorTypeHeader == "Greeting.Refused")
            let document = try #require(try JSONValue(data: post.body).objectValue)
            #expect(Set(document.keys) == ["errorMessage", "errorType", "stackTrace"])
            #expect(document["errorType"]?.stringValue == "Greeting.Refused")
            #expect(document["stackTrace"]?.arrayValue?.compactMap(\.stringValue) == [])
        }
    }

    @Test func otherErrorsAreReportedByTypeNameAndTheLoopGoesOn() async throws {
        try await withLoopback { api in
            let runtime = Self.serve(api, count: 3)
            let plain = await api.invoke(event: json(#"{"name":"plain"}"#), timeout: .seconds(60))
            let garbled = await api.invoke(event: json(#"{"nom":1}"#), timeout: .seconds(60))
            let fine = await api.invoke(event: json(#"{"name":"bo"}"#), timeout: .seconds(60))
            try await runtime.value

            #expect(plain == .error(type: "PlainSwiftError", message: "PlainSwiftError()"))
            guard case .error(let type, _) = garbled else { Issue.record("expected an error, got \(garbled)"); return }
            #expect(type == "Runtime.UnmarshalError")
            #expect(fine.isSuccess)
        }
    }

    @Test func setUpFailureIsPostedToInitErrorAndFailsLaterInvocations() async throws {
        try await withLoopback { api in
            let environment = LambdaEnvironment(["OTHER": "x"])
            await #expect(throws: InitializationFailed.self) {
                try await HTTPRuntimeAPIClient.withConnection(to: api.endpoint, group: MultiThreadedEventLoopGroup.singleton) { client in
                    _ = try await RuntimeLoop.initialize(
                        client: &client,
                        context: InitializationContext(environment: environment, logger: Self.logger)
                    ) { setUp in
                        _ = try setUp.environment.required("TABLE_NAME")
                        return Self.greeter
                    }
                }
            }
            let report = try #require(api.initError)
            #expect(report.errorType == "Runtime.MissingEnvironmentVariable")
            #expect(report.errorMessage.contains("TABLE_NAME"))
            #expect(api.posts.map(\.kind) == [.initError])
            #expect(api.posts.first?.errorTypeHeader == "Runtime.MissingEnvironmentVariable")
            // Lambda does not hand events to an environment whose init failed.
            let outcome = await api.invoke(event: json("{}"), timeout: .seconds(60))
            #expect(outcome == .initError(type: report.errorType, message: report.errorMessage))
        }
    }

    @Test func invocationWithoutAnswerTimesOutAtItsDeadline() async throws {
        try await withLoopback { api in
            let start = ContinuousClock.now
            let outcome = await api.invoke(event: json("{}"), timeout: .milliseconds(200))
            let elapsed = ContinuousClock.now - start
            #expect(outcome == .timedOut)
            // Not before the deadline; the upper bound only checks that it fires at all.
            #expect(elapsed >= .milliseconds(150) && elapsed < .seconds(60))
        }
    }

    @Test func postsForUnknownRequestIDsAreRejected() async throws {
        try await withLoopback { api in
            await #expect(throws: RuntimeAPIClientError.unexpectedStatus(path: "/2018-06-01/runtime/invocation/nope/response", status: 400)) {
                try await HTTPRuntimeAPIClient.withConnection(to: api.endpoint, group: MultiThreadedEventLoopGroup.singleton) { client in
                    try await client.postResponse(requestID: "nope", body: json("{}"))
                }
            }
        }
    }

    @Test func oversizedResponseFailsTheInvocationButNotTheRuntime() async throws {
        try await withLoopback { api in
            let big = ClosureHandler<Greeting, String> { event, _ in
                event.name == "big" ? String(repeating: "x", count: RuntimeAPI.maxResponseBytes + 1) : "small"
            }
            let runtime = Task {
                try await HTTPRuntimeAPIClient.withConnection(to: api.endpoint, group: MultiThreadedEventLoopGroup.singleton) { client in
                    try await RuntimeLoop(handler: big, logger: Self.logger).run(client: &client, maxInvocations: 2)
                }
            }
            let first = await api.invoke(event: json(#"{"name":"big"}"#), timeout: .seconds(60))
            let second = await api.invoke(event: json(#"{"name":"s"}"#), timeout: .seconds(60))
            try await runtime.value
            guard case .error(let type, _) = first else { Issue.record("expected an error, got \(first)"); return }
            #expect(type == "Function.ResponseSizeTooLarge")
            #expect(second == .response(json(#""small""#)))
        }
    }

    @Test func shutdownAbortsPendingInvocations() async throws {
        let api = try await LoopbackRuntimeAPI.start()
        let pending = Task { await api.invoke(event: json("{}"), timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(50))
        await api.shutdown()
        guard case .aborted = await pending.value else { Issue.record("expected .aborted"); return }
    }
}
