#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif

/// The runtime loop's view of the Lambda Runtime API.
///
/// A seam: the loop is written against this protocol, the process talks HTTP
/// through ``HTTPRuntimeAPIClient``, and tests may substitute anything else.
/// Calls are strictly sequential, as the Runtime API expects of one runtime.
public protocol RuntimeAPIClient {
    /// `GET …/invocation/next`: long-polls until Lambda has an event.
    mutating func nextInvocation() async throws -> Invocation
    /// `POST …/invocation/{id}/response`.
    mutating func postResponse(requestID: String, body: Data) async throws
    /// `POST …/invocation/{id}/error`.
    mutating func postError(requestID: String, report: ErrorReport) async throws
    /// `POST …/init/error`: set-up failed; Lambda will not send events to this process.
    mutating func postInitError(_ report: ErrorReport) async throws
}

/// The Runtime API endpoint, parsed from `AWS_LAMBDA_RUNTIME_API` (`host:port`).
public struct RuntimeAPIEndpoint: Sendable, Equatable, CustomStringConvertible {
    /// A host name or IP address; an IPv6 address without brackets.
    public var host: String
    /// The TCP port, 1–65535.
    public var port: Int

    /// Creates an endpoint from its parts, unchecked.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port`, including `[v6-address]:port`.
    public init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]),
            (1...65535).contains(port)
        else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.init(host: host, port: port)
    }

    /// `host:port`, an IPv6 host in brackets; also the `Host` header the client sends.
    public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

/// The Runtime API answered something a runtime cannot recover from.
public enum RuntimeAPIClientError: Error, Equatable, CustomStringConvertible {
    /// The server closed the connection mid-exchange.
    case connectionClosed
    /// An unexpected status for a request (e.g. `next` not 200).
    case unexpectedStatus(path: String, status: Int)
    /// `next` did not carry a required header.
    case missingHeader(String)

    /// A 4xx: the Runtime API refused this one request, and is otherwise fine.
    public var isRejection: Bool {
        if case .unexpectedStatus(_, let status) = self { return (400..<500).contains(status) }
        return false
    }

    /// A one-line message naming the path, status or header concerned.
    public var description: String {
        switch self {
        case .connectionClosed: "Runtime API closed the connection"
        case .unexpectedStatus(let path, let status): "Runtime API answered \(status) to \(path)"
        case .missingHeader(let name): "Runtime API response lacks header \(name)"
        }
    }
}
