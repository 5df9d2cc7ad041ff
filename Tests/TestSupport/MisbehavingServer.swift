import NIOCore
import NIOPosix

/// A loopback TCP server for transport faults at the socket level, which neither moto nor a
/// transport wrapper can produce: it closes every connection at once, or never answers.
public final class MisbehavingServer: Sendable {
    public enum Behavior: Sendable {
        case closeImmediately
        case neverRespond
    }

    private let channel: any Channel
    public let port: Int

    public init(_ behavior: Behavior) async throws {
        let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                switch behavior {
                case .closeImmediately:
                    return channel.close()
                case .neverRespond:
                    return channel.eventLoop.makeSucceededVoidFuture()
                }
            }
        channel = try await bootstrap.bind(host: "127.0.0.1", port: 0).get()
        port = channel.localAddress?.port ?? 0
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    public func shutdown() async throws {
        try await channel.close()
    }
}
