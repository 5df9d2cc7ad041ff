import AsyncHTTPClient
#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import NIOCore
import NIOHTTP1

/// An HTTP request as it goes on the wire.
public struct HTTPRequest: Sendable {
    /// The HTTP method, e.g. `.POST`.
    public var method: HTTPMethod
    /// `scheme://host[:port]` with no trailing slash.
    public var origin: String
    /// The encoded path, beginning with `/`.
    public var path: String
    /// Query parameters, unencoded and in order; ``url`` encodes them.
    public var query: [(name: String, value: String)]
    /// Headers in order, repeats allowed; `Host` and the signature headers included once signed.
    public var headers: [(name: String, value: String)]
    /// The request body; empty for none.
    public var body: Data

    /// Creates a request; `path` must already be encoded.
    public init(
        method: HTTPMethod, origin: String, path: String, query: [(name: String, value: String)] = [], headers: [(name: String, value: String)] = [],
        body: Data = Data()
    ) {
        self.method = method
        self.origin = origin
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }

    /// The full URL, with the query encoded as SigV4 encodes it.
    public var url: String {
        query.isEmpty ? origin + path : origin + path + "?" + AWSURIEncoding.queryString(query)
    }
}

/// An HTTP response, read whole: AWS control-plane responses are small.
public struct HTTPResponse: Sendable {
    /// The HTTP status code.
    public var status: Int
    /// The response headers in the order received.
    public var headers: [(name: String, value: String)]
    /// The whole body; empty for `HEAD` requests.
    public var body: Data

    /// Creates a response, e.g. a canned one from a test transport.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The first value of the header `name`, compared case-insensitively; nil when absent.
    public func header(_ name: String) -> String? { HTTPHeaderLookup.first(name, in: headers) }
}

/// The header lookup every request and response type shares.
public enum HTTPHeaderLookup {
    /// The first value of a header, its name compared case-insensitively (as HTTP defines names).
    public static func first(_ name: String, in headers: [(name: String, value: String)]) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// Why no response arrived.
public enum HTTPTransportError: Error, Sendable, Equatable {
    case connectionFailed(String)
    case timedOut
    case responseTooLarge(limit: Int)
}

/// The seam between the AWS client and the network.
public protocol HTTPTransport: Sendable {
    func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse
}

extension HTTPClient {
    /// The process's one shared HTTP client, for every AWS call.
    ///
    /// Unlike async-http-client's own `.shared`, it does not retry a failed connection until the
    /// request's deadline: ``RetryPolicy`` already retries with backoff, and a refused connection
    /// should fail fast and name its endpoint.
    public static let aws: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        // The connect timeout also bounds the wait for a free pooled connection.
        configuration.timeout = .init(connect: .seconds(10))
        configuration.connectionPool.retryConnectionEstablishment = false
        configuration.connectionPool.idleTimeout = .seconds(50)
        // SQS long polls hold a connection for up to 20 s each; leave room for other calls.
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 32
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()
}

/// The transport over async-http-client, on the process's shared client by default.
public struct AsyncHTTPClientTransport: HTTPTransport {
    /// The async-http-client instance requests go through; the transport never shuts it down.
    public let client: HTTPClient
    /// Responses larger than this are refused rather than buffered.
    public let maxResponseBytes: Int

    /// Creates a transport over `client`, refusing bodies above `maxResponseBytes` (64 MiB by default).
    public init(client: HTTPClient = .aws, maxResponseBytes: Int = 64 * 1024 * 1024) {
        self.client = client
        self.maxResponseBytes = maxResponseBytes
    }

    /// Sends the request and reads the whole response, whatever its status.
    /// - Parameter timeout: The deadline for the whole exchange, body included.
    /// - Throws: ``HTTPTransportError`` when no complete response arrived; `CancellationError` when cancelled.
    public func send(_ request: HTTPRequest, timeout: Duration) async throws -> HTTPResponse {
        var outgoing = HTTPClientRequest(url: request.url)
        outgoing.method = request.method
        for header in request.headers { outgoing.headers.add(name: header.name, value: header.value) }
        if !request.body.isEmpty || [.PUT, .POST].contains(request.method) {
            outgoing.body = .bytes(ByteBuffer(bytes: request.body))
        }
        do {
            let response = try await client.execute(outgoing, timeout: TimeAmount(timeout))
            var body = Data()
            if request.method != .HEAD {
                let buffer = try await response.body.collect(upTo: maxResponseBytes)
                body = Data(buffer.readableBytesView)
            }
            return HTTPResponse(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: body)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw HTTPTransportError.timedOut
        } catch let error as NIOTooManyBytesError {
            _ = error
            throw HTTPTransportError.responseTooLarge(limit: maxResponseBytes)
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            throw HTTPTransportError.connectionFailed(String(describing: error))
        }
    }
}

extension TimeAmount {
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
