#if canImport(FoundationEssentials)
    import FoundationEssentials
#else
    import Foundation
#endif
import NIOCore
import NIOHTTP1
import LambdaRuntime

/// Serves the Runtime API routes on one connection for ``LoopbackRuntimeAPI``.
///
/// `HTTPServerPipelineHandler` (installed ahead of this) holds back pipelined requests
/// while a `next` long-poll is outstanding, so this handler sees one request at a time.
final class LoopbackHTTPHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let state: LoopbackState
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()

    init(state: LoopbackState) {
        self.state = state
    }

    func channelActive(context: ChannelHandlerContext) {
        state.connectionOpened(context.channel)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        state.connectionClosed(context.channel)
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let requestHead):
            head = requestHead
            body.clear()
        case .body(var chunk):
            body.writeBuffer(&chunk)
        case .end:
            guard let requestHead = head else { return }
            head = nil
            route(requestHead, body: Data(body.readableBytesView), context: context)
        }
    }

    private func route(_ head: HTTPRequestHead, body: Data, context: ChannelHandlerContext) {
        let path = head.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? head.uri
        let keepAlive = head.isKeepAlive

        if head.method == .GET && path == RuntimeAPI.nextPath {
            state.next(connection: context.channel).assumeIsolated().whenComplete { result in
                switch result {
                case .success(let invocation):
                    self.respondWithInvocation(invocation, keepAlive: keepAlive, context: context)
                case .failure:
                    // Shut down, or the runtime went away while waiting.
                    context.close(promise: nil)
                }
            }
            return
        }

        guard head.method == .POST else {
            return respond(.methodNotAllowed, error: ("InvalidRequest", "Unsupported method"), keepAlive: keepAlive, context: context)
        }

        let errorTypeHeader = head.headers.first(name: RuntimeAPI.Header.functionErrorType)
        let now = ContinuousClock.now
        if path == RuntimeAPI.initErrorPath {
            let report = Self.report(from: body, header: errorTypeHeader)
            state.postInitError(
                RecordedPost(kind: .initError, requestID: nil, errorTypeHeader: errorTypeHeader, body: body, receivedAt: now),
                report: report
            )
            return respond(.accepted, keepAlive: keepAlive, context: context)
        }

        guard path.hasPrefix(RuntimeAPI.invocationPrefix) else {
            return respond(.notFound, error: ("InvalidRequest", "No route for \(path)"), keepAlive: keepAlive, context: context)
        }
        let rest = path.dropFirst(RuntimeAPI.invocationPrefix.count).split(separator: "/")
        guard rest.count == 2, rest[1] == "response" || rest[1] == "error" else {
            return respond(.notFound, error: ("InvalidRequest", "No route for \(path)"), keepAlive: keepAlive, context: context)
        }
        let requestID = String(rest[0])
        let result: LoopbackState.PostResult
        if rest[1] == "response" {
            result = state.post(
                RecordedPost(kind: .response, requestID: requestID, errorTypeHeader: errorTypeHeader, body: body, receivedAt: now),
                outcome: .response(body)
            )
        } else {
            let report = Self.report(from: body, header: errorTypeHeader)
            result = state.post(
                RecordedPost(kind: .error, requestID: requestID, errorTypeHeader: errorTypeHeader, body: body, receivedAt: now),
                outcome: .error(type: report.errorType, message: report.errorMessage)
            )
        }
        switch result {
        case .accepted:
            respond(.accepted, keepAlive: keepAlive, context: context)
        case .invalidRequestID:
            respond(.badRequest, error: ("InvalidRequestID", "Invalid request ID: \(requestID)"), keepAlive: keepAlive, context: context)
        case .payloadTooLarge:
            respond(.payloadTooLarge, error: ("RequestEntityTooLarge", "Response payload too large"), keepAlive: keepAlive, context: context)
        }
    }

    /// The posted error document; lenient, as Lambda is, about bodies that are not the
    /// documented JSON (the header, then "Unknown", names the type).
    static func report(from body: Data, header: String?) -> ErrorReport {
        struct Lenient: Decodable {
            var errorMessage: String?
            var errorType: String?
            var stackTrace: [String]?
        }
        let parsed = try? JSONDecoder().decode(Lenient.self, from: body)
        return ErrorReport(
            errorType: parsed?.errorType ?? header ?? "Unknown",
            errorMessage: parsed?.errorMessage ?? String(decoding: body, as: UTF8.self),
            stackTrace: parsed?.stackTrace ?? []
        )
    }

    private func respondWithInvocation(_ invocation: Invocation, keepAlive: Bool, context: ChannelHandlerContext) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: RuntimeAPI.Header.requestID, value: invocation.requestID)
        headers.add(name: RuntimeAPI.Header.deadline, value: String(invocation.deadlineMilliseconds))
        headers.add(name: RuntimeAPI.Header.functionARN, value: invocation.invokedFunctionARN)
        if let traceID = invocation.traceID { headers.add(name: RuntimeAPI.Header.traceID, value: traceID) }
        if let clientContext = invocation.clientContext { headers.add(name: RuntimeAPI.Header.clientContext, value: clientContext) }
        if let identity = invocation.cognitoIdentity { headers.add(name: RuntimeAPI.Header.cognitoIdentity, value: identity) }
        write(.ok, headers: headers, body: ByteBuffer(bytes: invocation.event), keepAlive: keepAlive, context: context)
    }

    private func respond(
        _ status: HTTPResponseStatus,
        error: (type: String, message: String)? = nil,
        keepAlive: Bool,
        context: ChannelHandlerContext
    ) {
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        let body: ByteBuffer
        if let error {
            var bytes: [UInt8] = [UInt8(ascii: "{")]
            JSONText.appendKeyValue("errorMessage", error.message, to: &bytes)
            bytes.append(UInt8(ascii: ","))
            JSONText.appendKeyValue("errorType", error.type, to: &bytes)
            bytes.append(UInt8(ascii: "}"))
            body = ByteBuffer(bytes: bytes)
        } else {
            body = ByteBuffer(string: #"{"status":"OK"}"#)
        }
        write(status, headers: headers, body: body, keepAlive: keepAlive, context: context)
    }

    private func write(
        _ status: HTTPResponseStatus,
        headers: HTTPHeaders,
        body: ByteBuffer,
        keepAlive: Bool,
        context: ChannelHandlerContext
    ) {
        var headers = headers
        headers.add(name: "Content-Length", value: String(body.readableBytes))
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        context.write(wrapOutboundOut(.head(HTTPResponseHead(version: .http1_1, status: status, headers: headers))), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
        let written = context.eventLoop.makePromise(of: Void.self)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: written)
        if !keepAlive {
            written.futureResult.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }
}
