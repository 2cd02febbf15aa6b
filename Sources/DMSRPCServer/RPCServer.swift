import DMSProto
import DMSWire
import Logging
import NIOCore
import NIOExtras
import NIOPosix
import NIOSSL
import ServiceLifecycle
import Synchronization

/// The DMS RPC server: TLS over TCP, length-prefixed frames, many calls per connection.
///
/// It is a `Service`: `run()` binds, serves until graceful shutdown, then drains — it stops
/// accepting, sends GOAWAY on every connection, ends open streams with `UNAVAILABLE`, lets unary
/// calls finish for up to `drainTimeout`, and returns once every connection is closed.
public final class RPCServer: Service, Sendable {
    private let configuration: Configuration
    private let tlsContext: NIOSSLContext
    private let router: MethodRouter
    private let authenticator: any CallAuthenticator
    private let statistics: ServerStatistics
    private let logger: Logger
    private let eventLoopGroup: any EventLoopGroup
    private let onListening: @Sendable (SocketAddress) -> Void
    private let connections = Mutex(LiveConnections())

    /// The live connections, and whether draining has begun.
    private struct LiveConnections {
        var handles: [UInt64: ConnectionHandle] = [:]
        var nextID: UInt64 = 0
        var draining = false
    }

    /// Creates a server.
    ///
    /// - Parameters:
    ///   - tlsContext: a server context, e.g. from `DMSTLS.ServerTLS`.
    ///   - router: the methods served.
    ///   - authenticator: decides who each caller is before its handler runs.
    ///   - onListening: told the bound address (useful with port 0) once the server accepts.
    public init(
        configuration: Configuration,
        tlsContext: NIOSSLContext,
        router: MethodRouter,
        authenticator: any CallAuthenticator,
        statistics: ServerStatistics = ServerStatistics(),
        logger: Logger,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        onListening: @escaping @Sendable (SocketAddress) -> Void = { _ in }
    ) {
        self.configuration = configuration
        self.tlsContext = tlsContext
        self.router = router
        self.authenticator = authenticator
        self.statistics = statistics
        self.logger = logger
        self.eventLoopGroup = eventLoopGroup
        self.onListening = onListening
    }

    public func run() async throws {
        let listener = try await bind()
        if let address = listener.channel.localAddress {
            logger.info("listening", metadata: ["rpc.address": "\(address)"])
            onListening(address)
        }

        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await listener.executeThenClose { accepted in
                    for try await connection in accepted {
                        let id = register(connection)
                        group.addTask {
                            try? await connection.closed.get()
                            self.unregister(id)
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            self.logger.info("draining", metadata: ["rpc.drain_timeout": "\(self.configuration.drainTimeout)"])
            self.statistics.beginDraining()
            listener.channel.close(promise: nil)
            let handles = self.connections.withLock { live in
                live.draining = true
                return Array(live.handles.values)
            }
            for handle in handles { handle.drain() }
        }
        logger.info("stopped")
    }

    /// Keeps `connection` for a drain (and drains it at once when the drain has begun).
    private func register(_ connection: ConnectionHandle) -> UInt64 {
        let (id, draining) = connections.withLock { live in
            live.nextID += 1
            live.handles[live.nextID] = connection
            return (live.nextID, live.draining)
        }
        if draining { connection.drain() }
        return id
    }

    private func unregister(_ id: UInt64) {
        _ = connections.withLock { $0.handles.removeValue(forKey: id) }
    }

    private func bind() async throws -> NIOAsyncChannel<ConnectionHandle, Never> {
        let configuration = self.configuration
        let tlsContext = self.tlsContext
        let handshakeTimeout = TimeAmount.nanoseconds(Int64(configuration.handshakeTimeout.nanoseconds))
        let idleTimeout = TimeAmount.nanoseconds(Int64(configuration.idleTimeout.nanoseconds))
        let logger = self.logger
        let services = ConnectionHandler.Services(
            router: router, authenticator: authenticator, configuration: configuration, statistics: statistics, logger: logger)
        return try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(NIOSSLServerHandler(context: tlsContext))
                    try pipeline.addHandler(HandshakeTimeoutHandler(timeout: handshakeTimeout, idleTimeout: idleTimeout, logger: logger))
                    let connection = ConnectionHandler(services: services, eventLoop: channel.eventLoop)
                    try pipeline.addHandler(connection)
                    return connection.handle
                }
            }
    }
}

extension Duration {
    /// The duration in whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : whole &+ attoseconds / 1_000_000_000
    }
}
