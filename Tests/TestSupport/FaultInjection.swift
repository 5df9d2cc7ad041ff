import AWSCore
import Foundation
import NIOConcurrencyHelpers

/// Counts the requests that pass through to a real transport; it changes nothing.
public final class CountingTransport: HTTPTransport {
    private let inner: any HTTPTransport
    private let counter = NIOLockedValueBox(0)

    public init(_ inner: any HTTPTransport = Moto.testTransport()) { self.inner = inner }

    public var count: Int { counter.withLockedValue { $0 } }

    public func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        counter.withLockedValue { $0 += 1 }
        return try await inner.send(request, timeout: timeout)
    }
}

/// Injects faults that moto cannot produce — throttling, 5xx, a dropped connection, a garbled
/// body — in front of a real transport: each request takes the next fault of the script, and
/// once the script is used up, requests go through to the real server.
public final class FaultInjectingTransport: HTTPTransport {
    public enum Fault: Sendable {
        case status(Int, body: String, headers: [(name: String, value: String)] = [])
        case connectionDropped
        case timedOut
        /// The request reaches the real server and is carried out there; then the connection
        /// closes before the answer arrives. What AWS does to a write now and then, and what every
        /// SDK retries: the retry finds its own write already landed.
        case answerLost
        /// This request goes through untouched: a script can lose the first answer of every write
        /// and let its retry through (`[.answerLost, .passThrough]`, repeated).
        case passThrough
    }

    /// The first answer of each of `writes` writes lost, each retry let through.
    public static func everyFirstAnswerLost(writes: Int = 20) -> [Fault] {
        Array(repeating: [Fault.answerLost, .passThrough], count: writes).flatMap { $0 }
    }

    private let inner: any HTTPTransport
    private let state: NIOLockedValueBox<(script: [Fault], attempts: Int)>
    private let matches: @Sendable (HTTPRequest) -> Bool

    /// `matching` picks the requests the script applies to; the others pass straight through.
    public init(faults: [Fault], passingTo inner: any HTTPTransport = Moto.testTransport(), matching: @escaping @Sendable (HTTPRequest) -> Bool = { _ in true })
    {
        self.inner = inner
        self.matches = matching
        state = NIOLockedValueBox((faults, 0))
    }

    /// Requests of one awsJson operation (by their `X-Amz-Target`).
    public static func operation(_ name: String) -> @Sendable (HTTPRequest) -> Bool {
        { request in request.headers.contains { $0.name.lowercased() == "x-amz-target" && $0.value.hasSuffix(".\(name)") } }
    }

    /// Requests seen, faulted or passed through.
    public var attempts: Int { state.withLockedValue { $0.attempts } }

    public func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        guard matches(request) else { return try await inner.send(request, timeout: timeout) }
        let fault: Fault? = state.withLockedValue { state in
            state.attempts += 1
            return state.script.isEmpty ? nil : state.script.removeFirst()
        }
        switch fault {
        case nil, .passThrough:
            return try await inner.send(request, timeout: timeout)
        case let .status(code, body, headers):
            return HTTPResponse(status: code, headers: headers, body: Data(body.utf8))
        case .connectionDropped:
            throw HTTPTransportError.connectionFailed("connection reset by peer (injected)")
        case .timedOut:
            throw HTTPTransportError.timedOut
        case .answerLost:
            _ = try await inner.send(request, timeout: timeout)
            throw HTTPTransportError.connectionFailed("connection closed after the request was sent (injected: the write landed, its answer was lost)")
        }
    }

    /// Requests of one awsQuery operation (SNS, SQS's query form, IAM, STS: `Action=` in the form body).
    public static func queryAction(_ name: String) -> @Sendable (HTTPRequest) -> Bool {
        { request in
            String(decoding: request.body, as: UTF8.self).split(separator: "&").contains { $0 == "Action=\(name)" }
        }
    }

    /// Requests with this method whose path contains `fragment` (restJson1 Lambda, restXml S3).
    public static func path(_ method: String, containing fragment: String) -> @Sendable (HTTPRequest) -> Bool {
        { request in request.method.rawValue == method && request.path.contains(fragment) }
    }

    /// A JSON-protocol throttling response, as KMS or Cognito send it.
    public static func throttling() -> Fault {
        .status(400, body: #"{"__type":"ThrottlingException","message":"Rate exceeded"}"#, headers: [("x-amzn-RequestId", "injected-throttle")])
    }

    public static func serviceUnavailable() -> Fault {
        .status(503, body: #"{"__type":"ServiceUnavailableException","message":"injected outage"}"#)
    }
}
