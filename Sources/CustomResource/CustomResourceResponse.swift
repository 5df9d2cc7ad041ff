import AWSCore
import Foundation

/// The one answer to a custom resource event.
public struct CustomResourceResponse: Sendable, Equatable {
    public enum Status: String, Sendable {
        case success = "SUCCESS"
        case failed = "FAILED"
    }

    /// CloudFormation refuses a response body over 4096 bytes.
    public static let maxBodyBytes = 4096
    /// And a PhysicalResourceId over 1 KB.
    public static let maxPhysicalResourceIdBytes = 1024

    public var status: Status
    public var reason: String?
    public var physicalResourceId: String
    public var stackId: String
    public var requestId: String
    public var logicalResourceId: String
    public var data: [String: String]

    public init(status: Status, reason: String? = nil, physicalResourceId: String, event: CustomResourceEvent, data: [String: String] = [:]) {
        self.status = status
        self.reason = reason
        self.physicalResourceId = physicalResourceId
        stackId = event.stackId
        requestId = event.requestId
        logicalResourceId = event.logicalResourceId
        self.data = data
    }

    /// The body to PUT: at most 4096 bytes, the reason cut (on a character boundary) to fit.
    public func body() -> Data {
        var reason = self.reason ?? ""
        while true {
            var object: [String: JSONValue] = [
                "Status": .string(status.rawValue), "PhysicalResourceId": .string(physicalResourceId), "StackId": .string(stackId),
                "RequestId": .string(requestId), "LogicalResourceId": .string(logicalResourceId), "NoEcho": false,
            ]
            if !reason.isEmpty { object["Reason"] = .string(reason) }
            if !data.isEmpty { object["Data"] = data.jsonValue }
            let body = (try? JSONValue.object(object).data()) ?? Data()
            if body.count <= Self.maxBodyBytes || reason.isEmpty { return body }
            let excess = body.count - Self.maxBodyBytes
            let keep = max(0, reason.count - excess - 16)
            reason = keep == 0 ? "" : String(reason.prefix(keep)) + " … (cut)"
        }
    }
}

/// Where responses go: an HTTPS PUT of the body to the presigned ResponseURL.
public protocol ResponseSending: Sendable {
    func send(_ response: CustomResourceResponse, to responseURL: String) async throws
}

/// PUTs the response with an empty Content-Type (the presigned URL signs none), retried with
/// backoff: a lost response leaves the stack waiting for an hour.
public struct HTTPResponseSender: ResponseSending {
    public let transport: any HTTPTransport
    public let retry: RetryPolicy

    public init(transport: any HTTPTransport = AsyncHTTPClientTransport(), retry: RetryPolicy = RetryPolicy(maxAttempts: 5, baseDelay: .milliseconds(200), maxDelay: .seconds(5))) {
        self.transport = transport
        self.retry = retry
    }

    /// The response could not be delivered. Names the host only: the URL carries a signature.
    public struct DeliveryFailed: Error, CustomStringConvertible {
        public let host: String
        public let detail: String
        public var description: String { "could not deliver the CloudFormation response to \(host): \(detail)" }
    }

    public func send(_ response: CustomResourceResponse, to responseURL: String) async throws {
        guard let components = URLComponents(string: responseURL), let scheme = components.scheme, let host = components.host else {
            throw DeliveryFailed(host: "(unparseable ResponseURL)", detail: "not a URL")
        }
        let origin = "\(scheme)://\(host)\(components.port.map { ":\($0)" } ?? "")"
        let query = (components.percentEncodedQueryItems ?? []).map { (name: AWSURIEncoding.decode(Substring($0.name)), value: AWSURIEncoding.decode(Substring($0.value ?? ""))) }
        let body = response.body()
        let request = HTTPRequest(method: "PUT", origin: origin, path: components.percentEncodedPath.isEmpty ? "/" : components.percentEncodedPath,
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
