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
    private let drainSignals = Mutex(DrainSignals())

    /// The drain triggers of live connections, and whether draining has begun.
    private struct DrainSignals {
        var continuations: [ObjectIdentifier: AsyncStream<Void>.Continuation] = [:]
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
        let handler = ConnectionHandler(
            router: router, authenticator: authenticator, configuration: configuration,
            statistics: statistics, logger: logger)

        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await listener.executeThenClose { connections in
                    for try await connection in connections {
                        let drainRequests = registerConnection(connection.channel)
                        group.addTask {
                            await handler.serve(connection, drainRequests: drainRequests)
                            self.unregisterConnection(connection.channel)
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            self.logger.info("draining", metadata: ["rpc.drain_timeout": "\(self.configuration.drainTimeout)"])
            self.statistics.beginDraining()
            listener.channel.close(promise: nil)
            self.drainSignals.withLock { signals in
                signals.draining = true
                for continuation in signals.continuations.values { continuation.yield() }
            }
        }
        logger.info("stopped")
    }

    private func registerConnection(_ channel: any Channel) -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
        drainSignals.withLock { signals in
            signals.continuations[ObjectIdentifier(channel)] = continuation
            if signals.draining { continuation.yield() }
        }
        return stream
    }

    private func unregisterConnection(_ channel: any Channel) {
        drainSignals.withLock { signals in
            signals.continuations.removeValue(forKey: ObjectIdentifier(channel))?.finish()
        }
    }

    private func bind() async throws -> NIOAsyncChannel<NIOAsyncChannel<Dms_V1_Frame, Dms_V1_Frame>, Never> {
        let configuration = self.configuration
        let tlsContext = self.tlsContext
        let handshakeTimeout = TimeAmount.nanoseconds(Int64(configuration.handshakeTimeout.nanoseconds))
        let idleTimeout = TimeAmount.nanoseconds(Int64(configuration.idleTimeout.nanoseconds))
        let logger = self.logger
        return try await ServerBootstrap(group: eventLoopGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .bind(host: configuration.host, port: configuration.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(NIOSSLServerHandler(context: tlsContext))
                    try pipeline.addHandler(HandshakeTimeoutHandler(timeout: handshakeTimeout, idleTimeout: idleTimeout, logger: logger))
                    try pipeline.addHandler(
                        ByteToMessageHandler(FrameDecoder(maximumFrameBytes: configuration.maximumFrameBytes)))
                    try pipeline.addHandler(MessageToByteHandler(FrameEncoder()))
                    try pipeline.addHandler(IdleConnectionHandler(logger: logger))
                    return try NIOAsyncChannel<Dms_V1_Frame, Dms_V1_Frame>(wrappingChannelSynchronously: channel)
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
