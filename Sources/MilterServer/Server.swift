import Logging
import Milter
import NIOCore
import NIOPosix
import ServiceLifecycle
import Synchronization

/// The milter server: a ServiceLifecycle `Service` that accepts MTA connections and runs a
/// ``MilterConnectionHandler`` on each.
///
/// On graceful shutdown it stops accepting, lets the messages being scanned get their answers (up to
/// ``drainTimeout``), then closes the remaining connections; an MTA applies its default action to any message whose
/// answer it did not get, so nothing is lost.
public struct MilterServer: Service {
    public let address: MilterListenAddress
    public let runtime: MilterRuntime
    public let group: any EventLoopGroup
    /// How long shutdown waits for messages being scanned.
    public var drainTimeout: Duration = .seconds(30)
    /// Called with the bound address once the server listens.
    public var onListening: (@Sendable (MilterListenAddress) -> Void)?
    private let connections = ConnectionRegistry()

    public init(address: MilterListenAddress, runtime: MilterRuntime, group: any EventLoopGroup) {
        self.address = address
        self.runtime = runtime
        self.group = group
    }

    /// The channel pipeline of one MTA connection: frame decoder, response encoder, connection handler.
    public static func configure(_ channel: any Channel, runtime: MilterRuntime) throws {
        let limits = runtime.sessionConfiguration().limits
        try channel.pipeline.syncOperations.addHandlers(
            IdleStateHandler(readTimeout: runtime.idleTimeout),
            ByteToMessageHandler(MilterFrameByteDecoder(maxFrameBytes: limits.maxFrameBytes)),
            MessageToByteHandler(MilterResponseEncoder()),
            MilterConnectionHandler(runtime: runtime))
    }

    /// Binds the listening socket.
    public func bind() async throws -> any Channel {
        let runtime = self.runtime
        let connections = self.connections
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                connections.add(channel)
                channel.closeFuture.whenComplete { _ in connections.remove(channel) }
                return channel.eventLoop.makeCompletedFuture { try MilterServer.configure(channel, runtime: runtime) }
            }
        switch address {
        case .inet(let host, let port):
            return try await bootstrap.bind(host: host, port: port).get()
        case .unix(let path):
            return try await bootstrap.bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true).get()
        }
    }

    public func run() async throws {
        let channel = try await bind()
        var bound = address
        if case .inet(let host, _) = address, let port = channel.localAddress?.port { bound = .inet(host: host, port: port) }
        runtime.logger.notice("listening", metadata: ["address": "\(bound)"])
        onListening?(bound)
        try await withGracefulShutdownHandler {
            try await channel.closeFuture.get()
        } onGracefulShutdown: {
            channel.close(promise: nil)
        }
        await drain()
    }

    /// Waits for the messages being scanned, then closes every connection.
    func drain() async {
        let clock = ContinuousClock()
        let deadline = clock.now + drainTimeout
        if runtime.messagesInFlight > 0 {
            runtime.logger.notice("waiting for messages being scanned", metadata: ["count": "\(runtime.messagesInFlight)"])
        }
        while runtime.messagesInFlight > 0, clock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        try? await Task.sleep(for: .milliseconds(50))  // let the last answers reach the socket
        let open = connections.all()
        for channel in open { channel.close(promise: nil) }
        for channel in open { try? await channel.closeFuture.get() }
        runtime.logger.notice("stopped", metadata: ["connections_closed": "\(open.count)"])
    }
}

/// The open MTA connections, for shutdown.
final class ConnectionRegistry: Sendable {
    private let channels = Mutex<[ObjectIdentifier: any Channel]>([:])
    func add(_ channel: any Channel) { channels.withLock { $0[ObjectIdentifier(channel)] = channel } }
    func remove(_ channel: any Channel) { channels.withLock { _ = $0.removeValue(forKey: ObjectIdentifier(channel)) } }
    func all() -> [any Channel] { channels.withLock { Array($0.values) } }
}
