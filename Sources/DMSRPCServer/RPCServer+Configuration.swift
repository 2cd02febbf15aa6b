import DMSWire

extension RPCServer {
    /// Where the server listens and the limits it enforces.
    public struct Configuration: Sendable {
        /// The address to bind, `"127.0.0.1"`, `"::"` or `"0.0.0.0"`.
        public var host: String
        /// The port to bind; 0 picks a free one (read it back from `onListening`).
        public var port: Int
        /// The largest frame body accepted, in bytes.
        public var maximumFrameBytes: Int
        /// The cap on calls in flight on one connection.
        public var maximumCallsPerConnection: Int
        /// How long a client has to finish the TLS handshake.
        public var handshakeTimeout: Duration
        /// How long a connection with no call in flight may stay silent before it is closed.
        public var idleTimeout: Duration
        /// How long a graceful shutdown waits for unary calls in flight.
        public var drainTimeout: Duration

        /// Creates a configuration; every limit has a working default.
        public init(
            host: String = "127.0.0.1",
            port: Int = 7443,
            maximumFrameBytes: Int = WireLimits.defaultMaximumFrameBytes,
            maximumCallsPerConnection: Int = WireLimits.defaultMaximumCallsPerConnection,
            handshakeTimeout: Duration = .seconds(10),
            idleTimeout: Duration = .seconds(300),
            drainTimeout: Duration = .seconds(30)
        ) {
            self.host = host
            self.port = port
            self.maximumFrameBytes = maximumFrameBytes
            self.maximumCallsPerConnection = maximumCallsPerConnection
            self.handshakeTimeout = handshakeTimeout
            self.idleTimeout = idleTimeout
            self.drainTimeout = drainTimeout
        }
    }
}
