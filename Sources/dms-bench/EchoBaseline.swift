import DMSTLS
import DMSWire
import NIOCore
import NIOPosix
import NIOSSL

/// TLS material made at run time: a fresh CA and a P-256 server certificate for 127.0.0.1, with
/// the settings of DMS (TLS 1.3, ALPN `dms/1`, the server verified against the CA and the address).
struct BenchTLS: Sendable {
    let caPEM: String
    let server: NIOSSLContext
    let client: NIOSSLContext

    init() throws {
        let authority = try CertificateAuthority(commonName: "dms-bench CA")
        caPEM = try authority.certificatePEM
        let issued = try authority.issueServerCertificate(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1", "::1"])
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(issued.certificatePEM.utf8)).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(bytes: Array(issued.privateKeyPEM.utf8), format: .pem)
        var serverConfiguration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        serverConfiguration.minimumTLSVersion = .tlsv13
        serverConfiguration.applicationProtocols = [WireProtocol.alpn]
        server = try NIOSSLContext(configuration: serverConfiguration)

        var clientConfiguration = TLSConfiguration.makeClientConfiguration()
        clientConfiguration.minimumTLSVersion = .tlsv13
        clientConfiguration.applicationProtocols = [WireProtocol.alpn]
        clientConfiguration.certificateVerification = .fullVerification
        clientConfiguration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        client = try NIOSSLContext(configuration: clientConfiguration)
    }
}

/// The physical limit of TLS + NIO for the RPC traffic pattern: a bare echo server that answers
/// every request-sized message with one reply-sized message, and a client that keeps a fixed
/// number of requests outstanding per connection (pipelined, replies matched in order).
///
/// Both sides are plain channel handlers on their event loops: no framing library, no protobuf,
/// no tasks; writes are flushed once per read burst.
final class EchoBaseline: Sendable {
    let requestSize: Int
    let replySize: Int
    private let tls: BenchTLS
    private let serverGroup: MultiThreadedEventLoopGroup
    private let clientGroup: MultiThreadedEventLoopGroup
    private let listener: any Channel
    let port: Int

    /// Starts the echo server on 127.0.0.1, an ephemeral port.
    init(tls: BenchTLS, requestSize: Int, replySize: Int) async throws {
        self.tls = tls
        self.requestSize = requestSize
        self.replySize = replySize
        serverGroup = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        clientGroup = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        let serverContext = tls.server
        var reply = ByteBufferAllocator().buffer(capacity: replySize)
        reply.writeRepeatingByte(0x5a, count: replySize)
        let replyBuffer = reply
        listener = try await ServerBootstrap(group: serverGroup)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(NIOSSLServerHandler(context: serverContext))
                    try pipeline.addHandler(EchoServerHandler(requestSize: requestSize, reply: replyBuffer))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        port = listener.localAddress?.port ?? 0
    }

    /// Runs `connections` connections with `outstanding` requests in flight on each, over `window`.
    func run(connections: Int, outstanding: Int, window: Window) async throws -> RunResult {
        var request = ByteBufferAllocator().buffer(capacity: requestSize)
        request.writeRepeatingByte(0xa5, count: requestSize)
        let requestBuffer = request
        let replySize = self.replySize
        let clientContext = tls.client
        var results: [EventLoopFuture<[UInt64]>] = []
        for _ in 0..<connections {
            let loop = clientGroup.next()
            let done = loop.makePromise(of: [UInt64].self)
            do {
                _ = try await ClientBootstrap(group: loop)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            let pipeline = channel.pipeline.syncOperations
                            // No host name: the certificate is checked against the IP address, as DMS does.
                            try pipeline.addHandler(NIOSSLClientHandler(context: clientContext, serverHostname: nil))
                            try pipeline.addHandler(
                                EchoClientHandler(
                                    request: requestBuffer, replySize: replySize, outstanding: outstanding, window: window,
                                    done: done))
                        }
                    }
                    .connect(host: "127.0.0.1", port: port)
                    .get()
            } catch {
                done.fail(error)
                throw error
            }
            results.append(done.futureResult)
        }
        var latencies: [UInt64] = []
        for result in results { latencies += try await result.get() }
        return RunResult(latencies: latencies, seconds: window.seconds)
    }

    func shutdown() async {
        try? await listener.close()
        try? await clientGroup.shutdownGracefully()
        try? await serverGroup.shutdownGracefully()
    }
}

/// Answers each complete request-sized message with one reply-sized message.
private final class EchoServerHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let requestSize: Int
    private let reply: ByteBuffer
    private var buffered = 0
    private var needsFlush = false

    init(requestSize: Int, reply: ByteBuffer) {
        self.requestSize = requestSize
        self.reply = reply
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        buffered += unwrapInboundIn(data).readableBytes
        while buffered >= requestSize {
            buffered -= requestSize
            context.write(wrapOutboundOut(reply), promise: nil)
            needsFlush = true
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Keeps `outstanding` requests in flight from the start of the connection, timing each from its write to
/// its reply, until the window ends; then closes and reports the latencies of calls started in it.
private final class EchoClientHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let request: ByteBuffer
    private let replySize: Int
    private let outstanding: Int
    private let window: Window
    private let done: EventLoopPromise<[UInt64]>
    private var sentAt = CircularBuffer<UInt64>()
    private var samples: [UInt64] = []
    private var buffered = 0
    private var needsFlush = false
    private var finished = false

    init(request: ByteBuffer, replySize: Int, outstanding: Int, window: Window, done: EventLoopPromise<[UInt64]>) {
        self.request = request
        self.replySize = replySize
        self.outstanding = outstanding
        self.window = window
        self.done = done
        samples.reserveCapacity(1 << 18)
    }

    func channelActive(context: ChannelHandlerContext) {
        // NIOSSL holds these until the handshake is done (the warm-up absorbs that).
        for _ in 0..<outstanding { send(context) }
        context.flush()
        context.fireChannelActive()
    }

    private func send(_ context: ChannelHandlerContext) {
        sentAt.append(nowNanoseconds())
        context.write(wrapOutboundOut(request), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        buffered += unwrapInboundIn(data).readableBytes
        while buffered >= replySize, let sent = sentAt.popFirst() {
            buffered -= replySize
            let now = nowNanoseconds()
            if sent >= window.start { samples.append(now - sent) }
            if now < window.end {
                send(context)
                needsFlush = true
            }
        }
        if sentAt.isEmpty { finish(context, .success(samples)) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        if needsFlush {
            needsFlush = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        finish(context, .failure(error))
    }

    func channelInactive(context: ChannelHandlerContext) {
        finish(context, .failure(ChannelError.eof))
        context.fireChannelInactive()
    }

    private func finish(_ context: ChannelHandlerContext, _ result: Result<[UInt64], any Error>) {
        guard !finished else { return }
        finished = true
        done.completeWith(result)
        context.close(promise: nil)
    }
}
