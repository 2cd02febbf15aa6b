import DMSProto
import DMSWire
import Foundation
import NIOCore
import NIOEmbedded
import NIOTestUtils
import Testing

@Suite struct FrameDecoderTests {
    static let request = Dms_V1_Frame.request(
        callID: 1, method: "dms.v1.HealthService/Health", payload: Data(), metadata: ["client": "example/1"])
    static let streamItem = Dms_V1_Frame.message(callID: 2, payload: Data([0x08, 0x01, 0x40, 0x01]))
    static let end = Dms_V1_Frame.end(callID: 3, error: RPCError(.cancelled, "call cancelled by the client"))
    static let big = Dms_V1_Frame.message(callID: 4, payload: Data((0..<3000).map { UInt8(truncatingIfNeeded: $0) }))

    /// A frame whose body is exactly `size` bytes.
    static func frame(ofBodySize size: Int) throws -> Dms_V1_Frame {
        for payloadSize in 0..<size {
            let frame = Dms_V1_Frame.message(callID: 1, payload: Data(repeating: 0xAB, count: payloadSize))
            let body: [UInt8] = try frame.serializedBytes()
            if body.count == size { return frame }
        }
        throw FrameError(.malformedFrame)
    }

    @Test func verifierDecodesFramesFedByteByByteAndInChunks() throws {
        var keepAliveBetween = try encoded([Self.request])
        keepAliveBetween.writeInteger(UInt32(0))
        keepAliveBetween.writeImmutableBuffer(try encoded([Self.streamItem, Self.end]))
        let pairs: [(ByteBuffer, [Dms_V1_Frame])] = [
            (try encoded([Self.request]), [Self.request]),
            (try encoded([Self.streamItem, Self.streamItem, Self.end]), [Self.streamItem, Self.streamItem, Self.end]),
            (keepAliveBetween, [Self.request, Self.streamItem, Self.end]),
            (try encoded([Self.big, .goAway]), [Self.big, .goAway]),
            (buffer([0, 0, 0, 0]), []),
        ]
        try ByteToMessageDecoderVerifier.verifyDecoder(inputOutputPairs: pairs) { FrameDecoder() }
    }

    @Test func allOnesPrefixIsRefusedBeforeAnyBodyArrives() {
        var input = buffer([0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: FrameError(.frameTooLarge(length: Int(UInt32.max), limit: WireLimits.defaultMaximumFrameBytes))) {
            try FrameDecoder().decodeFrame(from: &input)
        }
    }

    @Test(arguments: [1024, 4096, WireLimits.defaultMaximumFrameBytes])
    func prefixOneOverTheLimitIsRefusedWithNoBody(limit: Int) {
        var input = ByteBuffer()
        input.writeInteger(UInt32(limit + 1))
        #expect(throws: FrameError(.frameTooLarge(length: limit + 1, limit: limit))) {
            try FrameDecoder(maximumFrameBytes: limit).decodeFrame(from: &input)
        }
    }

    @Test func bodyOfExactlyTheLimitDecodesAndOneMoreIsRefused() throws {
        let limit = 200
        let atLimit = try Self.frame(ofBodySize: limit)
        var input = try encoded([atLimit])
        #expect(input.readableBytes == 4 + limit)
        #expect(try FrameDecoder(maximumFrameBytes: limit).decodeFrame(from: &input) == .some(atLimit))
        #expect(input.readableBytes == 0)

        var over = try encoded([try Self.frame(ofBodySize: limit + 1)])
        #expect(throws: FrameError(.frameTooLarge(length: limit + 1, limit: limit))) {
            try FrameDecoder(maximumFrameBytes: limit).decodeFrame(from: &over)
        }
    }

    @Test func frameTooLargeTellsThePeerResourceExhaustedWithBothSizes() {
        let status = FrameError(.frameTooLarge(length: 4_294_967_295, limit: 4_194_304)).status
        #expect(status.code == .resourceExhausted)
        #expect(status.message == "frame of 4294967295 bytes exceeds the limit of 4194304 bytes")
        #expect(FrameError(.malformedFrame).status.code == .invalidArgument)
    }

    @Test func zeroLengthFrameIsAKeepAliveThatConsumesItsPrefix() throws {
        var input = buffer([0, 0, 0, 0, 0, 0])
        let result = try FrameDecoder().decodeFrame(from: &input)
        #expect(result == .some(nil))
        #expect(input.readableBytes == 2)
    }

    @Test(arguments: 0..<4)
    func partialPrefixNeedsMoreDataAndLeavesTheReaderIndex(prefixBytes: Int) throws {
        var input = buffer([0xEE, 0xEE] + [0, 0, 0, 9].prefix(prefixBytes))
        input.moveReaderIndex(forwardBy: 2)
        let result = try FrameDecoder().decodeFrame(from: &input)
        #expect(result == nil)
        #expect(input.readerIndex == 2)
    }

    @Test func partialBodyNeedsMoreDataAndLeavesTheReaderIndex() throws {
        let whole = Array(try encoded([Self.request]).readableBytesView)
        for cut in 4..<whole.count {
            var input = buffer([0xEE] + whole.prefix(cut))
            input.moveReaderIndex(forwardBy: 1)
            let result = try FrameDecoder().decodeFrame(from: &input)
            #expect(result == nil, "cut at \(cut)")
            #expect(input.readerIndex == 1, "cut at \(cut)")
        }
    }

    @Test func bodyThatIsNotAFrameIsMalformed() {
        // field 3 (method) announces 5 bytes but only 1 follows.
        var input = buffer([0, 0, 0, 3, 0x1A, 0x05, 0x61])
        #expect(throws: FrameError(.malformedFrame)) { try FrameDecoder().decodeFrame(from: &input) }
    }

    @Test func decodeAndEncodeRoundTripThroughAChannel() throws {
        let channel = EmbeddedChannel(handlers: [ByteToMessageHandler(FrameDecoder()), MessageToByteHandler(FrameEncoder())])
        defer { _ = try? channel.finish() }
        try channel.writeOutbound(Self.end)
        let bytes = try #require(try channel.readOutbound(as: ByteBuffer.self))
        #expect(bytes == (try encoded([Self.end])))
        try channel.writeInbound(bytes)
        #expect(try channel.readInbound(as: Dms_V1_Frame.self) == Self.end)
    }

    @Test func oversizePrefixFailsTheChannelPipeline() throws {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(FrameDecoder(maximumFrameBytes: 1024)))
        #expect(throws: FrameError(.frameTooLarge(length: 1025, limit: 1024))) {
            try channel.writeInbound(buffer([0, 0, 0x04, 0x01]))
        }
        _ = try? channel.finish()
    }
}
