import DMSWire

extension RPCClient {
    /// Where and how to reach a dmsd.
    public struct Configuration: Sendable {
        /// Host name or IP address of the server.
        public var host: String
        /// TCP port of the server.
        public var port: Int
        /// PEM file of the CA that signed the server certificate; `nil` trusts the system roots.
        public var caFile: String?
        /// The name the server certificate must carry; defaults to `host`.
        public var serverName: String?
        /// PEM certificate and key presented to a server that verifies clients (mTLS).
        public var clientCertificateFile: String?
        /// The private key of `clientCertificateFile`.
        public var clientKeyFile: String?
        /// The bearer token sent with every call.
        public var token: String?
        /// The default namespace sent with every call.
        public var namespace: String?
        /// How long to wait for TCP connect and the TLS handshake.
        public var connectTimeout: Duration
        /// The largest frame accepted from the server.
        public var maximumFrameBytes: Int
        /// Runs the body of ``RPCClient/withConnection(_:eventLoopGroup:_:)`` (and the tasks it
        /// starts) with the connection's event loop as its task executor preference.
        ///
        /// Each call then runs start to end on the thread that does the connection's I/O: no hop to
        /// the loop to send the request and none back to resume the caller, which at one call in
        /// flight is most of a call's latency. Only for bodies that never block (no waiting on a
        /// process, a semaphore or a file lock): a body that blocks stalls this connection, and
        /// others that share its event loop. Off by default.
        public var runsBodyOnEventLoop: Bool

        /// Creates a configuration for `host:port`.
        public init(
            host: String, port: Int, caFile: String? = nil, serverName: String? = nil, token: String? = nil,
            namespace: String? = nil, clientCertificateFile: String? = nil, clientKeyFile: String? = nil,
            connectTimeout: Duration = .seconds(10), maximumFrameBytes: Int = WireLimits.defaultMaximumFrameBytes,
            runsBodyOnEventLoop: Bool = false
        ) {
            self.host = host
            self.port = port
            self.caFile = caFile
            self.serverName = serverName
            self.token = token
            self.namespace = namespace
            self.clientCertificateFile = clientCertificateFile
            self.clientKeyFile = clientKeyFile
            self.connectTimeout = connectTimeout
            self.maximumFrameBytes = maximumFrameBytes
            self.runsBodyOnEventLoop = runsBodyOnEventLoop
        }
    }

    /// Per-call settings.
    public struct CallOptions: Sendable {
        /// The call's time budget; the server is told it and the client enforces it too.
        public var timeout: Duration?
        /// Extra metadata; overrides the connection's token and namespace when it names them.
        public var metadata: [String: String]

        /// Creates options.
        public init(timeout: Duration? = nil, metadata: [String: String] = [:]) {
            self.timeout = timeout
            self.metadata = metadata
        }
    }
}

/// Parses `"host:port"`, `"[::1]:port"` or `"host"` (port 7443).
public func parseServerAddress(_ text: String, defaultPort: Int = 7443) -> (host: String, port: Int)? {
    var text = Substring(text)
    if text.hasPrefix("dms://") { text = text.dropFirst(6) }
    if text.hasPrefix("[") {
        guard let close = text.firstIndex(of: "]") else { return nil }
        let host = String(text[text.index(after: text.startIndex)..<close])
        if host.isEmpty { return nil }
        let rest = text[text.index(after: close)...]
        if rest.isEmpty { return (host, defaultPort) }
        guard rest.hasPrefix(":"), let port = Int(rest.dropFirst()), (1...65535).contains(port) else { return nil }
        return (host, port)
    }
    let parts = text.split(separator: ":", omittingEmptySubsequences: false)
    switch parts.count {
    case 1 where !parts[0].isEmpty:
        return (String(parts[0]), defaultPort)
    case 2 where !parts[0].isEmpty:
        guard let port = Int(parts[1]), (1...65535).contains(port) else { return nil }
        return (String(parts[0]), port)
    default:
        return nil
    }
}
