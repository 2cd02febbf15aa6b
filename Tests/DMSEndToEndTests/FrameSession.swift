import DMSProto
import DMSTestSupport
import DMSWire
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A TLS connection to a dmsd with client TLS settings of the test's choosing: it reports the
/// TLS version it negotiated, sends frames, and reads the frames it receives, each noted in an
/// ``EventOrder`` (when given one) the moment the event loop decodes it.
///
/// Not `Sendable`: one test task owns it. Reads take a bound, so a broken server fails a test
/// instead of hanging it.
final class FrameSession {
    let channel: any Channel
    /// The TLS version the handshake settled on.
    let version: TLSVersion?
    /// The handshake event as NIOSSL describes it (it names the negotiated ALPN).
    let handshakeEvent: String
    private let continuation: AsyncStream<SessionEvent>.Continuation
    private var events: AsyncStream<SessionEvent>.AsyncIterator
    private var nextTick: UInt64 = 0
    private var isClosed = false

    private init(
        channel: any Channel, version: TLSVersion?, handshakeEvent: String, events: AsyncStream<SessionEvent>,
        continuation: AsyncStream<SessionEvent>.Continuation
    ) {
        self.channel = channel
        self.version = version
        self.handshakeEvent = handshakeEvent
        self.events = events.makeAsyncIterator()
        self.continuation = continuation
    }

    deinit {
        channel.close(promise: nil)
    }

    /// A client context trusting `caFile`, limited to TLS versions `minimum` through `maximum`.
    static func context(caFile: String, minimum: TLSVersion, maximum: TLSVersion? = nil) throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = minimum
        tls.maximumTLSVersion = maximum
        tls.trustRoots = .file(caFile)
        tls.applicationProtocols = [WireProtocol.alpn]
        return try NIOSSLContext(configuration: tls)
    }

    /// Connects to 127.0.0.1:`port` and returns once the TLS handshake is done.
    ///
    /// - Throws: why the handshake failed (the TLS error, or the close that came first).
    static func open(port: Int, context: NIOSSLContext, order: EventOrder? = nil) async throws -> FrameSession {
        let (events, continuation) = AsyncStream.makeStream(of: SessionEvent.self)
        let handshake = MultiThreadedEventLoopGroup.singleton.any().makePromise(of: String.self)
        let channel = try await ClientBootstrap(group: handshake.futureResult.eventLoop)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(NIOSSLClientHandler(context: context, serverHostname: nil))
                    try pipeline.addHandler(ByteToMessageHandler(FrameDecoder()))
                    try pipeline.addHandler(MessageToByteHandler(FrameEncoder()))
                    try pipeline.addHandler(SessionWatcher(handshake: handshake, events: continuation, order: order))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        let timeout = channel.eventLoop.scheduleTask(in: .seconds(20)) {
            handshake.fail(TestSupportError("no TLS handshake outcome within 20 s"))
        }
        do {
            let event = try await handshake.futureResult.get()
            timeout.cancel()
            let version = try await channel.nioSSL_tlsVersion().get()
            return FrameSession(channel: channel, version: version, handshakeEvent: event, events: events, continuation: continuation)
        } catch {
            timeout.cancel()
            try? await channel.close()
            throw error
        }
    }

    /// Writes `frame`.
    func send(_ frame: Dms_V1_Frame) async throws {
        try await channel.writeAndFlush(frame)
    }

    /// Closes the connection from this side.
    func close() async {
        try? await channel.close()
    }

    /// The next frame, or nil when the connection closed first; throws when neither happens
    /// within `timeout`.
    func readFrame(within timeout: Duration = .seconds(10)) async throws -> Dms_V1_Frame? {
        if isClosed { return nil }
        nextTick += 1
        let tick = nextTick
        let continuation = self.continuation
        let timer = Task {
            guard (try? await Task.sleep(for: timeout)) != nil else { return }
            continuation.yield(.tick(tick))
        }
        defer { timer.cancel() }
        while true {
            switch await events.next() {
            case .frame(let frame): return frame
            case .closed, nil:
                isClosed = true
                return nil
            case .tick(let fired):
                if fired == tick { throw TestSupportError("no frame and no close within \(timeout)") }
            }
        }
    }

    /// Frames until the END of `callID` (included); throws when the connection closes first.
    func readFrames(untilEndOf callID: UInt64, within timeout: Duration = .seconds(10)) async throws -> [Dms_V1_Frame] {
        var frames: [Dms_V1_Frame] = []
        while true {
            guard let frame = try await readFrame(within: timeout) else {
                throw TestSupportError("connection closed before END of call \(callID); frames: \(frames)")
            }
            frames.append(frame)
            if frame.type == .end, frame.callID == callID { return frames }
        }
    }

    /// What the pipeline tells a reader, and the reader's own timer ticks.
    enum SessionEvent: Sendable {
        case frame(Dms_V1_Frame)
        case closed
        case tick(UInt64)
    }
}

/// The order in which things seen by different event loops happened: each is noted (with the
/// instant) the moment its loop sees it, so a test can ask which came first without timing it.
final class EventOrder: Sendable {
    private let events = Mutex<[(event: String, at: ContinuousClock.Instant)]>([])

    /// Notes `event` now.
    func note(_ event: String) {
        let now = ContinuousClock.now
        events.withLock { $0.append((event, now)) }
    }

    /// The events noted so far, in order.
    var noted: [String] { events.withLock { $0.map(\.event) } }

    /// The position of the first event with `prefix`, nil when none was noted.
    func firstIndex(of prefix: String) -> Int? {
        events.withLock { $0.firstIndex { $0.event.hasPrefix(prefix) } }
    }
}

/// Settles the handshake promise with the handshake event's description, or fails it with the TLS
/// error or the close that came first; passes decoded frames on, noting each in the order.
private final class SessionWatcher: ChannelInboundHandler {
    typealias InboundIn = Dms_V1_Frame

    private let handshake: EventLoopPromise<String>
    private let events: AsyncStream<FrameSession.SessionEvent>.Continuation
    private let order: EventOrder?
    private var settled = false

    init(handshake: EventLoopPromise<String>, events: AsyncStream<FrameSession.SessionEvent>.Continuation, order: EventOrder?) {
        self.handshake = handshake
        self.events = events
        self.order = order
    }

    private func settle(_ result: Result<String, any Error>) {
        guard !settled else { return }
        settled = true
        handshake.completeWith(result)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // `TLSUserEvent` lives in NIOTLS, which this test target does not depend on; its
        // description is stable ("handshakeCompleted(negotiatedProtocol: Optional("dms/1"))").
        let description = String(describing: event)
        if description.hasPrefix("handshakeCompleted") { settle(.success(description)) }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        order?.note("\(String(describing: frame.type).uppercased()) call \(frame.callID)")
        events.yield(.frame(frame))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        settle(.failure(error))
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        settle(.failure(TestSupportError("the connection closed during the TLS handshake")))
        order?.note("session closed")
        events.yield(.closed)
        events.finish()
        context.fireChannelInactive()
    }
}
