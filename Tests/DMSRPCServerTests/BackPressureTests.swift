import DMSProto
import DMSWire
import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import DMSRPCServer

/// A stream producer cannot run ahead of a connection that cannot take more bytes: the server's
/// connection handler holds a stream's `write` until the channel is writable again. Driven through
/// the real `ConnectionHandler` on a testing channel whose writability the test sets.
@Suite(.timeLimit(.minutes(1)))
struct BackPressureTests {
    static let watch = ServerStreamingMethod<Dms_V1_WatchHealthRequest, Dms_V1_HealthResponse>("dms.v1.HealthService/WatchHealth")

    static func setWritable(_ writable: Bool, _ channel: NIOAsyncTestingChannel) async throws {
        try await channel.testingEventLoop.executeInContext {
            channel.isWritable = writable
            channel.pipeline.fireChannelWritabilityChanged()
        }
    }

    /// The frames in the bytes the handler wrote so far.
    static func writtenFrames(_ channel: NIOAsyncTestingChannel) async throws -> [Dms_V1_Frame] {
        var frames: [Dms_V1_Frame] = []
        let decoder = FrameDecoder()
        while var bytes = try await channel.readOutbound(as: ByteBuffer.self) {
            while let decoded = try decoder.decodeFrame(from: &bytes) {
                if let frame = decoded { frames.append(frame) }
            }
        }
        return frames
    }

    /// A connection handler serving a three-item stream on a connected testing channel that is
    /// not writable, with the stream's REQUEST (call 9) already read.
    static func stalledStream(counting returned: Counter) async throws -> NIOAsyncTestingChannel {
        var router = MethodRouter()
        router.register(Self.watch) { _, _, writer in
            for sequence in 1...3 as ClosedRange<UInt64> {
                var item = Dms_V1_HealthResponse()
                item.sequence = sequence
                try await writer.write(item)
                returned.increment()
            }
        }
        let channel = NIOAsyncTestingChannel()
        let services = ConnectionHandler.Services(
            router: router, authenticator: AllowAllAuthenticator(), configuration: RPCServer.Configuration(),
            statistics: ServerStatistics(), logger: Logger(label: "dms.test"))
        try await channel.testingEventLoop.executeInContext {
            try channel.pipeline.syncOperations.addHandler(ConnectionHandler(services: services, eventLoop: channel.eventLoop))
        }
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7443))

        // Not writable from the start: the first item goes out, and its write does not return.
        try await Self.setWritable(false, channel)
        var request = ByteBuffer()
        try FrameEncoder.encode(
            .request(callID: 9, method: Self.watch.descriptor.fullName, payload: try Dms_V1_WatchHealthRequest().serializedData()),
            into: &request)
        try await channel.writeInbound(request)

        // A negative can only be observed over some time: give the producer ample chances to run
        // ahead, then check that no write returned and nothing more left.
        for _ in 0..<200 {
            await channel.testingEventLoop.run()
            await Task.yield()
        }
        try await Task.sleep(for: .milliseconds(50))
        await channel.testingEventLoop.run()
        return channel
    }

    @Test func streamWriteWaitsWhileTheChannelIsNotWritable() async throws {
        let returned = Counter()
        let channel = try await Self.stalledStream(counting: returned)
        #expect(returned.value == 0, "write returned while the channel was not writable")
        let first = try await Self.writtenFrames(channel)
        #expect(first.map(\.type) == [.message], "\(first)")

        // Writable again: the rest follows, then the END.
        try await Self.setWritable(true, channel)
        var frames = first
        let deadline = ContinuousClock.now + .seconds(10)
        while frames.last?.type != .end, ContinuousClock.now < deadline {
            await channel.testingEventLoop.run()  // the testing loop runs what was queued on it only when told
            frames += try await Self.writtenFrames(channel)
            try await Task.sleep(for: .milliseconds(5))
        }
        #expect(frames.map(\.type) == [.message, .message, .message, .end])
        #expect(frames.allSatisfy { $0.callID == 9 })
        #expect(try frames.dropLast().map { try Dms_V1_HealthResponse(serializedBytes: $0.payload).sequence } == [1, 2, 3])
        #expect(returned.value == 3)
        #expect(frames.last?.status.code == .ok)
    }
}

extension BackPressureTests {
    @Test func aStreamWaitingForWritabilityIsCancelledByTheClient() async throws {
        let returned = Counter()
        let channel = try await Self.stalledStream(counting: returned)
        var cancel = ByteBuffer()
        try FrameEncoder.encode(.cancel(callID: 9), into: &cancel)
        try await channel.writeInbound(cancel)
        var frames = try await Self.writtenFrames(channel)
        let deadline = ContinuousClock.now + .seconds(10)
        while frames.last?.type != .end, ContinuousClock.now < deadline {
            await channel.testingEventLoop.run()
            frames += try await Self.writtenFrames(channel)
            try await Task.sleep(for: .milliseconds(5))
        }
        // Still not writable, yet the stalled write gave up and the call ended as cancelled.
        #expect(frames.map(\.type) == [.message, .end], "\(frames)")
        #expect(frames.last?.status.code == .cancelled)
        #expect(returned.value == 0)
    }
}

/// A count shared with a producer task.
final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}
