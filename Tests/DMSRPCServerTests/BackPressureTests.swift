import DMSProto
import DMSWire
import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import DMSRPCServer

/// A stream producer cannot run ahead of a connection that cannot take more bytes: the
/// `ServerStreamWriter` → `FrameSink` → `NIOAsyncChannelOutboundWriter` path waits on writability.
@Suite(.timeLimit(.minutes(1)))
struct BackPressureTests {
    static func item(_ sequence: UInt64) -> Dms_V1_HealthResponse {
        var response = Dms_V1_HealthResponse()
        response.sequence = sequence
        return response
    }

    static func setWritable(_ writable: Bool, _ channel: NIOAsyncTestingChannel) async throws {
        try await channel.testingEventLoop.executeInContext {
            channel.isWritable = writable
            channel.pipeline.fireChannelWritabilityChanged()
        }
    }

    @Test func streamWriterWaitsWhileTheChannelIsNotWritable() async throws {
        let channel = NIOAsyncTestingChannel()
        try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7443))
        let connection = try await channel.testingEventLoop.executeInContext {
            try NIOAsyncChannel<Dms_V1_Frame, Dms_V1_Frame>(wrappingChannelSynchronously: channel)
        }
        let written = Counter()
        let (started, startedContinuation) = AsyncStream.makeStream(of: Void.self)

        try await connection.executeThenClose { _, outbound in
            let writer = ServerStreamWriter<Dms_V1_HealthResponse>(callID: 9, sink: FrameSink(writer: outbound))

            // Writable: the first item goes straight through.
            try await writer.write(Self.item(0))
            #expect(try await channel.waitForOutboundWrite(as: Dms_V1_Frame.self) == .message(callID: 9, payload: try Self.item(0).serializedData()))

            try await Self.setWritable(false, channel)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    startedContinuation.yield()
                    for sequence in 1...3 as ClosedRange<UInt64> {
                        try await writer.write(Self.item(sequence))
                        written.increment()
                    }
                }
                for await _ in started { break }
                // A negative can only be observed over some time: give the producer ample chances
                // to run ahead, then check that nothing left and no write returned.
                for _ in 0..<200 { await Task.yield() }
                try await Task.sleep(for: .milliseconds(50))
                #expect(written.value == 0, "write returned while the channel was not writable")
                #expect(try await channel.readOutbound(as: Dms_V1_Frame.self) == nil, "a frame was written while not writable")

                try await Self.setWritable(true, channel)
                var sequences: [UInt64] = []
                for _ in 1...3 {
                    let frame = try await channel.waitForOutboundWrite(as: Dms_V1_Frame.self)
                    #expect(frame.callID == 9 && frame.type == .message)
                    sequences.append(try Dms_V1_HealthResponse(serializedBytes: frame.payload).sequence)
                }
                try await group.waitForAll()
                #expect(sequences == [1, 2, 3])
                #expect(written.value == 3)
            }
        }
    }
}

/// A count shared with a producer task.
final class Counter: Sendable {
    private let count = Mutex(0)
    var value: Int { count.withLock { $0 } }
    func increment() { count.withLock { $0 += 1 } }
}
