import DMSAPI
import DMSClient
import DMSProto
import DMSTestSupport
import DMSWire
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// SIGTERM with a unary call in flight: the call is given the drain timeout (`--drain-timeout`,
/// `RPCServer.Configuration.drainTimeout`) to finish. The slow call is a real TestConnection
/// whose PostgreSQL is a listener of the test's that accepts and never answers, so the call lasts
/// exactly as long as the test holds that listener (or libpq's connect timeout, 10 s, passes).
@Suite struct GracefulDrainEndToEndTests {
    @Test func unaryCallInFlightAtSIGTERMCompletesOKThenDmsdExitsWithZero() async throws {
        try await DaemonProcess.with(arguments: ["--drain-timeout", "120"]) { daemon in
            let listener = try await StallingListener.start(order: nil)
            defer { listener.stop() }
            let session = try await Self.startTestConnection(on: daemon, against: listener, order: nil)

            #expect(kill(daemon.process.processIdentifier, SIGTERM) == 0)
            let goAway = try #require(try await session.readFrame(within: .seconds(30)), "closed instead of GOAWAY")
            #expect(goAway.type == .goaway && goAway.callID == 0, "GOAWAY first, the call still open: \(goAway)")

            // The store answers at last (it hangs up): the handler returns, and its answer is sent.
            listener.release()
            let end = try #require(try await session.readFrames(untilEndOf: 1, within: .seconds(30)).last)
            #expect(end.status.code == .ok, "\(end.status)")
            let answer = try Dms_V1_TestConnectionResponse(serializedBytes: end.payload)
            #expect(!answer.ok)
            #expect(answer.message.contains("127.0.0.1:\(listener.port)"), "the handler's own answer: \(answer.message)")
            #expect(try await session.readFrame(within: .seconds(30)) == nil, "the connection closes after its last call")

            #expect(try await waitForExit(of: daemon, within: .seconds(60)), "dmsd still running 60 s after its last call ended")
            #expect(daemon.process.terminationReason == .exit)
            #expect(daemon.process.terminationStatus == 0)
        }
    }

    @Test func unaryCallStillRunningWhenTheDrainTimeoutPassesEndsUnavailableAndDmsdStillExits() async throws {
        try await DaemonProcess.with(arguments: ["--drain-timeout", "1"]) { daemon in
            let order = EventOrder()
            let listener = try await StallingListener.start(order: order)
            defer { listener.stop() }
            let session = try await Self.startTestConnection(on: daemon, against: listener, order: order)

            #expect(kill(daemon.process.processIdentifier, SIGTERM) == 0)
            let frames = try await session.readFrames(untilEndOf: 1, within: .seconds(30))
            #expect(frames.map(\.type) == [.goaway, .end], "\(frames)")
            let end = try #require(frames.last)
            #expect(end.status.code == .unavailable)
            #expect(end.status.message == "server is shutting down")
            #expect(end.payload.isEmpty)
            // The drain timeout ended the call, not the handler giving up: the store's connection
            // was still held open (libpq still waiting) when the END arrived.
            let ended = try #require(order.firstIndex(of: "END call 1"))
            #expect(
                order.firstIndex(of: "store connection closed").map { $0 > ended } ?? true,
                "the END came only after the handler's own libpq attempt ended: \(order.noted)")
            #expect(try await session.readFrame(within: .seconds(30)) == nil, "the connection closes after its last call")

            #expect(try await waitForExit(of: daemon, within: .seconds(60)), "dmsd still running 60 s after the drain timeout")
            #expect(daemon.process.terminationReason == .exit)
            #expect(daemon.process.terminationStatus == 0)
        }
    }

    /// Creates a postgres connection pointing at `listener`, sends TestConnection for it as call 1
    /// on a new connection, and returns once the listener has accepted libpq's connection: the
    /// call is then in its handler.
    private static func startTestConnection(
        on daemon: DaemonProcess, against listener: StallingListener, order: EventOrder?
    ) async throws -> FrameSession {
        var create = Dms_V1_CreateConnectionRequest()
        create.name = "stalled"
        create.type = "postgres"
        create.schema = #"{"host":"127.0.0.1","port":\#(listener.port),"database":"shop","user":"dms","ssl_mode":"disable"}"#
        try await RPCClient.withConnection(try daemon.clientConfiguration()) { admin in
            _ = try await admin.unary(API.ConnectionService.createConnection, create)
        }
        let session = try await FrameSession.open(
            port: daemon.port, context: try FrameSession.context(caFile: daemon.caFile, minimum: .tlsv12), order: order)
        let request = Dms_V1_TestConnectionRequest.with { $0.name = "stalled" }
        try await session.send(
            .request(
                callID: 1, method: API.ConnectionService.testConnection.descriptor.fullName, payload: try request.serializedData(),
                metadata: [MetadataKey.authorization: "Bearer \(try daemon.adminToken)"]))
        try await listener.waitForConnection(within: .seconds(30))
        return session
    }
}

/// A TCP listener that plays a database server which accepts and then says nothing, until
/// `release()`: from then on it hangs up on every connection, held or new.
private final class StallingListener: Sendable {
    let port: Int
    private let listener: any Channel
    private let state: State
    private let accepted: AsyncStream<Void>
    private let order: EventOrder?

    private final class State: Sendable {
        let channels = Mutex<(held: [any Channel], released: Bool)>(([], false))
    }

    private init(listener: any Channel, state: State, accepted: AsyncStream<Void>, order: EventOrder?) {
        self.listener = listener
        self.state = state
        self.accepted = accepted
        self.order = order
        port = listener.localAddress?.port ?? 0
    }

    static func start(order: EventOrder?) async throws -> StallingListener {
        let state = State()
        let (accepted, continuation) = AsyncStream.makeStream(of: Void.self)
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                order?.note("store connection accepted")
                let released = state.channels.withLock { channels in
                    if !channels.released { channels.held.append(channel) }
                    return channels.released
                }
                continuation.yield()
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(CloseNoter(order: order))
                    if released { channel.close(promise: nil) }
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return StallingListener(listener: listener, state: state, accepted: accepted, order: order)
    }

    /// Returns once a connection was accepted; throws when none comes within `timeout`.
    func waitForConnection(within timeout: Duration) async throws {
        let accepted = self.accepted
        let came = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in accepted { return true }
                return false
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            defer { group.cancelAll() }
            return await group.next() ?? false
        }
        if !came { throw TestSupportError("no connection reached the stalling listener within \(timeout)") }
    }

    /// Hangs up on every connection held, and on every later one at once.
    func release() {
        let held = state.channels.withLock { channels in
            channels.released = true
            defer { channels.held = [] }
            return channels.held
        }
        for channel in held { channel.close(promise: nil) }
    }

    /// Stops listening and hangs up on everything.
    func stop() {
        release()
        listener.close(promise: nil)
    }
}

/// Notes in the order when the peer (libpq, in dmsd) closes its connection to the listener.
private final class CloseNoter: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let order: EventOrder?

    init(order: EventOrder?) { self.order = order }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        // Whatever libpq sends (its startup packet) is never answered.
    }

    func channelInactive(context: ChannelHandlerContext) {
        order?.note("store connection closed")
        context.fireChannelInactive()
    }
}
