import AWSCore
import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1
import NIOPosix

/// An HTTP server on 127.0.0.1 that answers as an endpoint moto does not have would (IMDS, the
/// container credentials endpoint, the SSO portal), by the documented protocol the test writes
/// into its handler. It records every request, so a test can check what the client sent.
public final class LoopbackHTTPStandIn: Sendable {
    public struct Request: Sendable {
        public var method: String
        /// The path with its query, as sent.
        public var target: String
        public var headers: [(name: String, value: String)]
        public var body: Data

        public var path: String { String(target.prefix { $0 != "?" }) }
        public var query: [String: String] {
            guard let components = URLComponents(string: "http://x" + target) else { return [:] }
            return Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        }
        public func header(_ name: String) -> String? { HTTPHeaderLookup.first(name, in: headers) }
    }

    public struct Response: Sendable {
        public var status: Int
        public var body: Data
        public var contentType: String

        public init(status: Int = 200, body: Data = Data(), contentType: String = "text/plain") {
            self.status = status
            self.body = body
            self.contentType = contentType
        }

        public static func text(_ text: String, status: Int = 200) -> Response { Response(status: status, body: Data(text.utf8)) }
        public static func json(_ document: JSONValue, status: Int = 200) -> Response {
            Response(status: status, body: (try? document.data()) ?? Data(), contentType: "application/json")
        }
    }

    private let channel: any Channel
    private let recorded = NIOLockedValueBox<[Request]>([])
    public let port: Int

    public init(_ handler: @escaping @Sendable (Request) async -> Response) async throws {
        let recorded = self.recorded
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(StandInHandler(handler: handler, record: { request in recorded.withLockedValue { $0.append(request) } }))
                }
            }
        channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    /// Every request so far, in arrival order.
    public var requests: [Request] { recorded.withLockedValue { $0 } }

    public func shutdown() async throws {
        try await channel.close()
    }
}

private final class StandInHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let handler: @Sendable (LoopbackHTTPStandIn.Request) async -> LoopbackHTTPStandIn.Response
    let record: @Sendable (LoopbackHTTPStandIn.Request) -> Void
    private var head: HTTPRequestHead?
    private var body = Data()

    init(
        handler: @escaping @Sendable (LoopbackHTTPStandIn.Request) async -> LoopbackHTTPStandIn.Response,
        record: @escaping @Sendable (LoopbackHTTPStandIn.Request) -> Void
    ) {
        self.handler = handler
        self.record = record
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case let .head(head):
            self.head = head
            body = Data()
        case var .body(buffer):
            body.append(contentsOf: buffer.readBytes(length: buffer.readableBytes) ?? [])
        case .end:
            guard let head else { return }
            let request = LoopbackHTTPStandIn.Request(
                method: head.method.rawValue, target: head.uri,
                headers: head.headers.map { ($0.name, $0.value) }, body: body)
            record(request)
            let handler = self.handler
            let channel = context.channel
            let keepAlive = head.isKeepAlive
            Task {
                let response = await handler(request)
                channel.eventLoop.execute {
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: response.contentType)
                    headers.add(name: "Content-Length", value: "\(response.body.count)")
                    if !keepAlive { headers.add(name: "Connection", value: "close") }
                    let responseHead = HTTPResponseHead(version: .http1_1, status: .init(statusCode: response.status), headers: headers)
                    channel.write(HTTPServerResponsePart.head(responseHead), promise: nil)
                    channel.write(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: response.body))), promise: nil)
                    channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in
                        if !keepAlive { channel.close(promise: nil) }
                    }
                }
            }
        }
    }
}
