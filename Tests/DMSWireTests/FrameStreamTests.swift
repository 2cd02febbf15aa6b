import DMSProto
import DMSWire
import Foundation
import NIOCore
import NIOEmbedded
import Testing

/// The tail handlers' halves of the wire: `FrameReader` (frames out of bytes that arrive in any
/// pieces) and `BatchingFrameWriter` (frames into one write per turn, or at once past the threshold).
@Suite struct FrameStreamTests {
    static let frames: [Dms_V1_Frame] = [
        .request(callID: 1, method: "dms.v1.HealthService/Health", payload: Data(), metadata: ["client": "example/1"]),
        .message(callID: 2, payload: Data((0..<700).map { UInt8(truncatingIfNeeded: $0) })),
        .end(callID: 3, error: RPCError(.cancelled, "call cancelled by the client")),
    ]

    static func bytes(_ frames: [Dms_V1_Frame], keepAliveAfterFirst: Bool = false) throws -> ByteBuffer {
        var buffer = ByteBuffer()
        for (index, frame) in frames.enumerated() {
            try FrameEncoder.encode(frame, into: &buffer)
            if keepAliveAfterFirst, index == 0 { buffer.writeInteger(UInt32(0)) }
        }
        return buffer
    }

    @Test(arguments: [1, 3, 64, 10_000])
    func readerCutsFramesOutOfPiecesOfAnySizeAndSkipsKeepAlives(pieceSize: Int) throws {
        var all = try Self.bytes(Self.frames, keepAliveAfterFirst: true)
        var reader = FrameReader(maximumFrameBytes: 4096)
        var read: [Dms_V1_Frame] = []
        while all.readableBytes > 0 {
            let piece = all.readSlice(length: min(pieceSize, all.readableBytes))!
            try reader.read(piece) { frame in
                read.append(frame)
                return true
            }
        }
        #expect(read == Self.frames)
    }

    @Test func readerStopsWhenToldAndRefusesAnOversizePrefixBeforeItsBody() throws {
        var reader = FrameReader(maximumFrameBytes: 4096)
        var read: [Dms_V1_Frame] = []
        try reader.read(try Self.bytes(Self.frames)) { frame in
            read.append(frame)
            return false
        }
        #expect(read == [Self.frames[0]])

        var oversize = FrameReader(maximumFrameBytes: 100)
        var prefix = ByteBuffer()
        prefix.writeInteger(UInt32.max)
        #expect(throws: FrameError(.frameTooLarge(length: Int(UInt32.max), limit: 100))) {
            try oversize.read(prefix) { _ in true }
        }
        var garbage = ByteBuffer()
        garbage.writeInteger(UInt32(3))
        garbage.writeBytes([0xFF, 0xFF, 0xFF])
        var malformed = FrameReader(maximumFrameBytes: 100)
        #expect(throws: FrameError(.malformedFrame)) {
            try malformed.read(garbage) { _ in true }
        }
    }

    @Test func writerSendsFramesTogetherAtTheEndOfTheTurnAndTheTurnsFirstBigBatchAtOnce() throws {
        let channel = EmbeddedChannel()
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 7443)).wait()
        let writer = BatchingFrameWriter()
        writer.attach(try channel.pipeline.syncOperations.context(handlerType: HeadMarker.self, channel))

        // Two small frames: nothing leaves until the loop's turn ends, then both in one write.
        try writer.write(Self.frames[0])
        try writer.write(Self.frames[2])
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        channel.embeddedEventLoop.run()
        #expect(try channel.readOutbound(as: ByteBuffer.self) == (try Self.bytes([Self.frames[0], Self.frames[2]])))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)

        // Past the threshold the turn's first batch leaves at once, without waiting for the turn
        // to end; the turn's later frames wait for its end, however big.
        try writer.write(Self.frames[1])
        #expect(try channel.readOutbound(as: ByteBuffer.self) == (try Self.bytes([Self.frames[1]])))
        try writer.write(Self.frames[1])
        try writer.write(Self.frames[0])
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
        channel.embeddedEventLoop.run()
        #expect(try channel.readOutbound(as: ByteBuffer.self) == (try Self.bytes([Self.frames[1], Self.frames[0]])))
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)

        // The next turn may flush early again; past the turn's limit a batch leaves at once too.
        try writer.write(Self.frames[1])
        #expect(try channel.readOutbound(as: ByteBuffer.self) == (try Self.bytes([Self.frames[1]])))
        let perLimit = BatchingFrameWriter.turnLimit / (try Self.bytes([Self.frames[1]])).readableBytes + 1
        for _ in 0..<perLimit { try writer.write(Self.frames[1]) }
        #expect(try channel.readOutbound(as: ByteBuffer.self) == (try Self.bytes(Array(repeating: Self.frames[1], count: perLimit))))
        channel.embeddedEventLoop.run()
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)

        // Once closed (or detached), writes are dropped.
        try channel.close().wait()
        try writer.write(Self.frames[0])
        channel.embeddedEventLoop.run()
        #expect(try channel.readOutbound(as: ByteBuffer.self) == nil)
    }
}

/// A do-nothing handler whose context the writer writes from, as a tail handler's would.
private final class HeadMarker: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
}

extension ChannelPipeline.SynchronousOperations {
    fileprivate func context(handlerType: HeadMarker.Type, _ channel: EmbeddedChannel) throws -> ChannelHandlerContext {
        try addHandler(HeadMarker())
        return try context(handlerType: handlerType)
    }
}
