import AWSCore
import Foundation

/// The one answer to a custom resource event.
public struct CustomResourceResponse: Sendable, Equatable {
    /// The response's `Status`: whether CloudFormation goes on with the stack or rolls it back.
    public enum Status: String, Sendable {
        case success = "SUCCESS"
        case failed = "FAILED"
    }

    /// CloudFormation refuses a response body over 4096 bytes.
    public static let maxBodyBytes = 4096
    /// And a PhysicalResourceId over 1 KB.
    public static let maxPhysicalResourceIdBytes = 1024

    /// SUCCESS or FAILED (`Status`).
    public var status: Status
    /// Why it failed, shown in the stack's events (`Reason`); cut to fit the body limit.
    public var reason: String?
    /// The resource's id (`PhysicalResourceId`): a different one on Update makes CloudFormation delete the old.
    public var physicalResourceId: String
    /// Echoed from the event (`StackId`).
    public var stackId: String
    /// Echoed from the event (`RequestId`).
    public var requestId: String
    /// Echoed from the event (`LogicalResourceId`).
    public var logicalResourceId: String
    /// Values `Fn::GetAtt` can read from the resource (`Data`); left out when empty.
    public var data: [String: String]

    /// A response to `event`, echoing its stack, request and logical resource ids.
    public init(status: Status, reason: String? = nil, physicalResourceId: String, event: CustomResourceEvent, data: [String: String] = [:]) {
        self.status = status
        self.reason = reason
        self.physicalResourceId = physicalResourceId
        stackId = event.stackId
        requestId = event.requestId
        logicalResourceId = event.logicalResourceId
        self.data = data
    }

    /// The FAILED answer to an event the helper cannot act on: the problems as the reason, and
    /// what the event carried echoed back (its PhysicalResourceId, or `failed-<RequestId>`).
    public init(answering malformed: MalformedCustomResourceEvent) {
        let requestId = malformed.echoes["RequestId"] ?? ""
        status = .failed
        reason = malformed.description
        physicalResourceId = CustomResourceLifecycle.fitted(malformed.echoes["PhysicalResourceId"] ?? "failed-\(requestId)")
        stackId = malformed.echoes["StackId"] ?? ""
        self.requestId = requestId
        logicalResourceId = malformed.echoes["LogicalResourceId"] ?? ""
        data = [:]
    }

    /// The body to PUT: at most 4096 bytes whatever the fields hold, measured as the JSON that is
    /// sent (a control character takes six bytes there). The reason is cut first (on a character
    /// boundary), then the `Data` values; if that is not enough (an event no CloudFormation sends:
    /// its ids could not be CloudFormation's own), the body falls back to the fields cut short.
    public func body() -> Data {
        var reason = self.reason ?? ""
        let physicalResourceId = CustomResourceLifecycle.fitted(self.physicalResourceId)
        func encoded(reason: String, data: [String: String], cut: (String) -> String) -> Data {
            var object: [String: JSONValue] = [
                "Status": .string(status.rawValue), "PhysicalResourceId": .string(cut(physicalResourceId)), "StackId": .string(cut(stackId)),
                "RequestId": .string(cut(requestId)), "LogicalResourceId": .string(cut(logicalResourceId)), "NoEcho": false,
            ]
            if !reason.isEmpty { object["Reason"] = .string(reason) }
            if !data.isEmpty { object["Data"] = data.jsonValue }
            return (try? JSONValue.object(object).data()) ?? Data()
        }
        // Each pass shortens the reason by at least the excess, so this ends; so does the next loop.
        while true {
            let body = encoded(reason: reason, data: data) { $0 }
            if body.count <= Self.maxBodyBytes { return body }
            if reason.isEmpty { break }
            let keep = max(0, reason.count - (body.count - Self.maxBodyBytes) - 16)
            reason = keep == 0 ? "" : String(reason.prefix(keep)) + " … (cut)"
        }
        let tooLong = " … (cut)"
        var data = self.data
        for key in data.keys.sorted() where data[key, default: ""].unicodeScalars.count > 64 {
            data[key] = String(data[key, default: ""].unicodeScalars.prefix(64).map(Character.init)) + tooLong
            let body = encoded(reason: reason, data: data) { $0 }
            if body.count <= Self.maxBodyBytes { return body }
        }
        // Past that only absurd echoed ids are left: each cut to 64 printable characters (a
        // control character takes six bytes in JSON); the Data values go, the status and a word on why stay.
        let shortReason = status == .failed ? "the response was cut to fit 4096 bytes" : ""
        return encoded(reason: shortReason, data: [:]) { $0.printablePrefix() }
    }
}

/// Where responses go: an HTTPS PUT of the body to the presigned ResponseURL.
public protocol ResponseSending: Sendable {
    func send(_ response: CustomResourceResponse, to responseURL: String) async throws
}

/// PUTs the response with an empty Content-Type (the presigned URL signs none), retried with
/// backoff: a lost response leaves the stack waiting for an hour.
public struct HTTPResponseSender: ResponseSending {
    /// The HTTP client the PUT goes through.
    public let transport: any HTTPTransport
    /// How many attempts, and the backoff between them; a 4xx answer is not retried.
    public let retry: RetryPolicy

    /// A sender; by default five attempts, backing off from 200 ms to at most 5 s.
    public init(
        transport: any HTTPTransport = AsyncHTTPClientTransport(),
        retry: RetryPolicy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(200), maxDelay: .seconds(5))
    ) {
        self.transport = transport
        self.retry = retry
    }

    /// The response could not be delivered. Names the host only: the URL carries a signature.
    public struct DeliveryFailed: Error, CustomStringConvertible {
        /// The ResponseURL's host, without the path or query that hold the signature.
        public let host: String
        /// The last attempt's failure: an HTTP status or the transport's error.
        public let detail: String
        /// The host and the last failure; never the URL.
        public var description: String { "could not deliver the CloudFormation response to \(host): \(detail)" }
    }

    /// PUTs the response's ``CustomResourceResponse/body()`` to `responseURL`, retrying failures and 5xx answers.
    /// - Throws: ``DeliveryFailed`` for an unparseable URL, a 4xx answer, or when every attempt failed.
    public func send(_ response: CustomResourceResponse, to responseURL: String) async throws {
        guard let components = URLComponents(string: responseURL), let scheme = components.scheme, let host = components.host else {
            throw DeliveryFailed(host: "(unparseable ResponseURL)", detail: "not a URL")
        }
        let origin = "\(scheme)://\(host)\(components.port.map { ":\($0)" } ?? "")"
        let query = (components.percentEncodedQueryItems ?? []).map {
            (name: AWSURIEncoding.decode(Substring($0.name)), value: AWSURIEncoding.decode(Substring($0.value ?? "")))
        }
        let body = response.body()
        let request = HTTPRequest(
            method: .PUT, origin: origin, path: components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath,
            query: query, headers: [("Content-Type", ""), ("Content-Length", String(body.count))], body: body)
        var lastError = "no attempt"
        for attempt in 1...retry.maxAttempts {
            do {
                let answer = try await transport.send(request, timeout: .seconds(10))
                if (200..<300).contains(answer.status) { return }
                lastError = "HTTP \(answer.status)"
                if (400..<500).contains(answer.status) { break }
            } catch {
                lastError = "\(error)"
            }
            if attempt < retry.maxAttempts { try await Task.sleep(for: retry.delay(beforeRetry: attempt)) }
        }
        throw DeliveryFailed(host: host, detail: lastError)
    }
}
