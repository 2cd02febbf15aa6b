import DMSProto
import DMSWire
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

// Raw access to a dmsd for tests that must break the rules the Swift client keeps: arbitrary bytes,
// hand-made frames, plaintext, silence. It lives here rather than in DMSTestSupport because that
// target has no NIO product dependencies.

/// A TCP (optionally TLS) connection driven byte by byte, reading whole frames with timeouts.
///
/// Not `Sendable`: one test task owns it. Every read takes a bound and throws `RawTimeout` when
/// the peer did nothing in time, so a broken server fails a test instead of hanging it.
final class RawConnection {
    /// The NIO channel (TLS handler first when made with `tls`).
    let channel: any Channel
    private let continuation: AsyncStream<RawEvent>.Continuation
    private var events: AsyncStream<RawEvent>.AsyncIterator
    private var received: ByteBuffer
    private let keepAlives: KeepAliveSwitch
    private var nextTick: UInt64 = 0
    private let decoder = FrameDecoder(maximumFrameBytes: Int(UInt32.max))
    /// True once the peer (or we) closed the connection.
    private(set) var isClosed = false
    /// Errors the pipeline reported (TLS alerts, resets), in order; for diagnostics.
    private(set) var errors: [String] = []

    private init(
        channel: any Channel, continuation: AsyncStream<RawEvent>.Continuation, events: AsyncStream<RawEvent>,
        keepAlives: KeepAliveSwitch
    ) {
        self.channel = channel
        self.keepAlives = keepAlives
        self.continuation = continuation
        self.events = events.makeAsyncIterator()
        self.received = channel.allocator.buffer(capacity: 1024)
    }

    deinit {
        channel.close(promise: nil)
    }

    // MARK: - Connecting

    /// A TLS connection that trusts `caFile`; returns once the TLS handshake is done.
    ///
    /// - Parameters:
    ///   - serverHostname: the name to verify and send as SNI; nil verifies the IP address.
    ///   - firstFrames: frames written by the event loop the moment the handshake completes, so
    ///     that they go out without waiting for the test's task (tests of the idle timer need that:
    ///     a busy test process must not look like an idle client).
    ///   - keepAliveInterval: when set, the event loop writes a keep-alive right after the handshake
    ///     and then every interval, until `stopKeepAlives()`.
    static func tls(
        host: String = "127.0.0.1", port: Int, caFile: String, serverHostname: String? = nil,
        firstFrames: [Dms_V1_Frame] = [], keepAliveInterval: TimeAmount? = nil, within timeout: Duration = .seconds(10)
    ) async throws -> RawConnection {
        let context = try makeTLSContext(caFile: caFile)
        var first = ByteBuffer()
        for frame in firstFrames { try FrameEncoder.encode(frame, into: &first) }
        let connection = try await connect(
            host: host, port: port, firstBytes: first, keepAliveInterval: keepAliveInterval
        ) { channel in
            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverHostname))
        }
        try await connection.waitForHandshake(until: .now + timeout)
        return connection
    }

    /// Starts TLS on a connection made with `tcp`, as late as the caller likes; returns once the
    /// handshake is done.
    func startTLS(caFile: String, serverHostname: String? = nil, within timeout: Duration = .seconds(10)) async throws {
        let context = try Self.makeTLSContext(caFile: caFile)
        try await channel.eventLoop.submit { [channel] in
            try channel.pipeline.syncOperations.addHandler(
                NIOSSLClientHandler(context: context, serverHostname: serverHostname), position: .first)
        }.get()
        try await waitForHandshake(until: .now + timeout)
    }

    private static func makeTLSContext(caFile: String) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.trustRoots = .file(caFile)
        configuration.applicationProtocols = [WireProtocol.alpn]
        return try NIOSSLContext(configuration: configuration)
    }

    /// A plain TCP connection: no TLS at all, unless `startTLS` later; `firstFramesAfterTLS` are
    /// then written by the event loop the moment that handshake completes (see `tls`).
    static func tcp(host: String = "127.0.0.1", port: Int, firstFramesAfterTLS: [Dms_V1_Frame] = []) async throws -> RawConnection {
        var first = ByteBuffer()
        for frame in firstFramesAfterTLS { try FrameEncoder.encode(frame, into: &first) }
        return try await connect(host: host, port: port, firstBytes: first, keepAliveInterval: nil) { _ in }
    }

    private static func connect(
        host: String, port: Int, firstBytes: ByteBuffer, keepAliveInterval: TimeAmount?,
        configure: @escaping @Sendable (any Channel) throws -> Void
    ) async throws -> RawConnection {
        let (events, continuation) = AsyncStream.makeStream(of: RawEvent.self)
        let keepAlives = KeepAliveSwitch()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try configure(channel)
                    try channel.pipeline.syncOperations.addHandler(
                        RawEventForwarder(
                            continuation: continuation, firstBytes: firstBytes, keepAliveInterval: keepAliveInterval,
                            keepAlives: keepAlives))
                }
            }
            .connect(host: host, port: port)
            .get()
        return RawConnection(channel: channel, continuation: continuation, events: events, keepAlives: keepAlives)
    }

    private func waitForHandshake(until deadline: ContinuousClock.Instant) async throws {
        while true {
            switch try await nextEvent(until: deadline, waitingFor: "the TLS handshake") {
            case .handshakeCompleted: return
            case .bytes(var bytes): received.writeBuffer(&bytes)
            case nil: throw RawConnectionError("connection closed during the TLS handshake: \(errors)")
            }
        }
    }

    // MARK: - Writing

    /// Writes `bytes` as they are (encrypted when this is a TLS connection).
    func send(_ bytes: [UInt8]) async throws {
        var buffer = channel.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        try await channel.writeAndFlush(buffer)
    }

    /// Writes `frame` with its 4-byte length prefix.
    func send(_ frame: Dms_V1_Frame) async throws {
        var buffer = channel.allocator.buffer(capacity: 64)
        try FrameEncoder.encode(frame, into: &buffer)
        try await channel.writeAndFlush(buffer)
    }

    /// Writes the 4-byte big-endian length prefix `length` alone.
    func sendLengthPrefix(_ length: UInt32) async throws {
        try await send(withUnsafeBytes(of: length.bigEndian) { Array($0) })
    }

    /// Stops the keep-alives started with `keepAliveInterval`.
    func stopKeepAlives() {
        keepAlives.stop()
    }

    /// Closes the connection from this side.
    func close() async {
        try? await channel.close()
    }

    // MARK: - Reading

    /// The next whole frame (keep-alives skipped), or nil when the connection closed first.
    ///
    /// - Throws: `RawTimeout` when neither happens within `timeout`; `FrameError` for bytes that
    ///   are not a frame.
    func readFrame(within timeout: Duration = .seconds(5)) async throws -> Dms_V1_Frame? {
        try await readFrame(until: .now + timeout)
    }

    /// Frames until the END of `callID` (included); throws when the connection closes first.
    func readFrames(untilEndOf callID: UInt64, within timeout: Duration = .seconds(5)) async throws -> [Dms_V1_Frame] {
        let deadline = ContinuousClock.now + timeout
        var frames: [Dms_V1_Frame] = []
        while true {
            guard let frame = try await readFrame(until: deadline) else {
                throw RawConnectionError("connection closed before END of call \(callID); frames: \(frames)")
            }
            frames.append(frame)
            if frame.type == .end, frame.callID == callID { return frames }
        }
    }

    /// Every frame until the peer closes the connection.
    ///
    /// - Throws: `RawTimeout` when the connection is still open after `timeout`.
    func readFramesUntilClosed(within timeout: Duration = .seconds(5)) async throws -> [Dms_V1_Frame] {
        let deadline = ContinuousClock.now + timeout
        var frames: [Dms_V1_Frame] = []
        while let frame = try await readFrame(until: deadline) { frames.append(frame) }
        return frames
    }

    /// Discards whatever arrives until the peer closes; returns how many bytes that was.
    ///
    /// - Throws: `RawTimeout` when the connection is still open after `timeout`.
    func readBytesUntilClosed(within timeout: Duration = .seconds(5)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        var count = received.readableBytes
        received.clear()
        while true {
            switch try await nextEvent(until: deadline, waitingFor: "the peer to close") {
            case .bytes(let bytes): count += bytes.readableBytes
            case .handshakeCompleted: continue
            case nil: return count
            }
        }
    }

    private func readFrame(until deadline: ContinuousClock.Instant) async throws -> Dms_V1_Frame? {
        while true {
            while let decoded = try decoder.decodeFrame(from: &received) {
                if let frame = decoded { return frame }  // else a keep-alive: skip it
            }
            switch try await nextEvent(until: deadline, waitingFor: "a frame") {
            case .bytes(var bytes): received.writeBuffer(&bytes)
            case .handshakeCompleted: continue
            case nil: return nil
            }
        }
    }

    /// The next event, nil once closed.
    private func nextEvent(until deadline: ContinuousClock.Instant, waitingFor what: String) async throws -> PeerEvent? {
        if isClosed { return nil }
        nextTick += 1
        let tick = nextTick
        let continuation = self.continuation
        let timer = Task {
            do {
                try await Task.sleep(until: deadline, clock: .continuous)
            } catch {
                return
            }
            continuation.yield(.tick(tick))
        }
        defer { timer.cancel() }
        while true {
            guard let event = await events.next() else {
                isClosed = true
                return nil
            }
            switch event {
            case .bytes(let bytes): return .bytes(bytes)
            case .handshakeCompleted: return .handshakeCompleted
            case .error(let description): errors.append(description)
            case .closed:
                isClosed = true
                return nil
            case .tick(let fired):
                if fired == tick { throw RawTimeout(what: what, errors: errors) }
            }
        }
    }

    /// What a reader is told.
    private enum PeerEvent {
        case bytes(ByteBuffer)
        case handshakeCompleted
    }
}

/// Everything the pipeline reports, and the timer ticks of readers.
enum RawEvent: Sendable {
    case bytes(ByteBuffer)
    case handshakeCompleted
    case error(String)
    case closed
    case tick(UInt64)
}

/// Whether the event loop still sends keep-alives for a connection.
final class KeepAliveSwitch: Sendable {
    private let running = Atomic<Bool>(true)
    var isRunning: Bool { running.load(ordering: .relaxed) }
    func stop() { running.store(false, ordering: .relaxed) }
}

/// The last handler of a raw connection: turns reads, the handshake, errors and the close into
/// events, and writes what must go out the moment the handshake completes.
final class RawEventForwarder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let continuation: AsyncStream<RawEvent>.Continuation
    private let firstBytes: ByteBuffer
    private let keepAliveInterval: TimeAmount?
    private let keepAlives: KeepAliveSwitch

    init(
        continuation: AsyncStream<RawEvent>.Continuation, firstBytes: ByteBuffer, keepAliveInterval: TimeAmount?,
        keepAlives: KeepAliveSwitch
    ) {
        self.continuation = continuation
        self.firstBytes = firstBytes
        self.keepAliveInterval = keepAliveInterval
        self.keepAlives = keepAlives
    }

    private func handshakeCompleted(context: ChannelHandlerContext) {
        if firstBytes.readableBytes > 0 { context.writeAndFlush(wrapOutboundOut(firstBytes), promise: nil) }
        guard let keepAliveInterval else { return }
        let channel = context.channel
        let keepAlives = self.keepAlives
        context.eventLoop.scheduleRepeatedTask(initialDelay: .zero, delay: keepAliveInterval) { task in
            guard keepAlives.isRunning, channel.isActive else {
                task.cancel()
                return
            }
            channel.writeAndFlush(ByteBuffer(bytes: [0, 0, 0, 0]), promise: nil)
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        continuation.yield(.bytes(unwrapInboundIn(data)))
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // `TLSUserEvent.handshakeCompleted` lives in NIOTLS, which this test target does not depend
        // on; its description is stable ("handshakeCompleted(negotiatedProtocol: …)").
        if String(describing: event).hasPrefix("handshakeCompleted") {
            handshakeCompleted(context: context)
            continuation.yield(.handshakeCompleted)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        continuation.yield(.error(String(describing: error)))
    }

    func channelInactive(context: ChannelHandlerContext) {
        continuation.yield(.closed)
        continuation.finish()
        context.fireChannelInactive()
    }
}

/// A read that saw nothing within its bound.
struct RawTimeout: Error, CustomStringConvertible {
    let what: String
    let errors: [String]
    var description: String { "timed out waiting for \(what)" + (errors.isEmpty ? "" : " (pipeline errors: \(errors))") }
}

/// A raw connection that did not behave as a test needed.
struct RawConnectionError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
