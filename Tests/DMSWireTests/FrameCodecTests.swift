import DMSTestSupport
import DMSProto
import Foundation
import NIOCore
import SwiftProtobuf
import Testing

@testable import DMSWire

/// The hand-written frame codec against SwiftProtobuf, the reference: what one encodes the other
/// decodes to the same frame, and on any input (random, mutated, truncated) the codec's answer is
/// SwiftProtobuf's. Reproducible from the seed in a failure message; `DMS_FUZZ_SEED` explores others.
@Suite(.timeLimit(.minutes(1)))
struct FrameCodecTests {
    static let baseSeed: UInt64 = ProcessInfo.processInfo.environment["DMS_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0xC0DE_2026

    /// The codec's bytes (prefix dropped) for `frame`.
    static func codecBody(_ frame: Dms_V1_Frame) throws -> [UInt8] {
        var buffer = ByteBuffer()
        try FrameCodec.encode(frame, into: &buffer)
        let length = buffer.readInteger(as: UInt32.self)!
        #expect(Int(length) == buffer.readableBytes)
        return buffer.readBytes(length: buffer.readableBytes)!
    }

    /// What SwiftProtobuf makes of `bytes`: the frame, or nil when it refuses them.
    static func reference(_ bytes: [UInt8]) -> Dms_V1_Frame? {
        try? Dms_V1_Frame(serializedBytes: bytes)
    }

    static func codec(_ bytes: [UInt8]) -> Dms_V1_Frame? {
        bytes.withUnsafeBytes { try? FrameCodec.decode($0) }
    }

    static func knownShape(_ bytes: [UInt8]) -> Dms_V1_Frame? {
        bytes.withUnsafeBytes { FrameCodec.decodeKnownShape($0) }
    }

    @Test func randomFramesRoundTripBothWaysThroughTheHandWrittenPath() throws {
        for index in 0..<3000 {
            let seed = Self.baseSeed &+ UInt64(index)
            var random = SeededGenerator(seed: seed)
            let frame = RandomFrames.frame(using: &random, maxPayload: 300)
            // Codec → SwiftProtobuf.
            let ours = try Self.codecBody(frame)
            #expect(Self.reference(ours) == frame, "seed \(seed): SwiftProtobuf reads the codec's bytes differently")
            // SwiftProtobuf → codec, through the hand-written path (not the fallback).
            let theirs: [UInt8] = try frame.serializedBytes()
            #expect(Self.knownShape(theirs) == frame, "seed \(seed): the codec reads SwiftProtobuf's bytes differently")
            #expect(ours.count == theirs.count, "seed \(seed): sizes differ")
        }
    }

    /// A stream of frames decoded through one memo (as a connection's reader does): frames that
    /// repeat the previous method and metadata, change one entry, switch to another caller, or
    /// are damaged. Each is decoded exactly as SwiftProtobuf decodes it on its own.
    @Test func aStreamDecodedThroughOneMemoIsDecodedFrameByFrameAsSwiftProtobufDecodesIt() throws {
        var memo = FrameMemo()
        var random = SeededGenerator(seed: Self.baseSeed &+ 2_000_000)
        let stream = RandomFrames.callStream(count: 6000, changes: [.entryChanged, .callerReplaced, .methodChanged], using: &random)
        let reused = stream.filter { $0.change == .repeated && !$0.frame.metadata.isEmpty }.count
        for (index, (frame, _)) in stream.enumerated() {
            var bytes: [UInt8] = try frame.serializedBytes()
            if Int.random(in: 0..<8, using: &random) == 0, !bytes.isEmpty {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            let decoded = bytes.withUnsafeBytes { try? FrameCodec.decode($0, memo: &memo) }
            #expect(decoded == Self.reference(bytes), "frame \(index) of the stream: \(bytes)")
        }
        #expect(reused > 1000)

        // Entries apart (another field between them) are read one by one, and right.
        var split = Dms_V1_Frame()
        split.metadata = ["a": "1", "b": "2"]
        split.method = "dms.v1.HealthService/Health"
        let first: [UInt8] = [0x22, 0x06, 0x0A, 0x01, 0x61, 0x12, 0x01, 0x31]
        let method: [UInt8] = [0x1A, 0x1B] + Array("dms.v1.HealthService/Health".utf8)
        let second: [UInt8] = [0x22, 0x06, 0x0A, 0x01, 0x62, 0x12, 0x01, 0x32]
        for bytes in [first + method + second, first + second + method, first + method + second] {
            #expect(Self.reference(bytes) == split)
            #expect(bytes.withUnsafeBytes { try? FrameCodec.decode($0, memo: &memo) } == split)
        }
    }

    /// Frames written through one encode memo (as a connection's writer does), repeating the
    /// previous method and metadata (the same dictionary, or an equal one), changing them, or
    /// having none: each comes out as the frame, the size SwiftProtobuf gives it.
    @Test func framesWrittenThroughOneMemoAreTheFramesWritten() throws {
        var memo = FrameEncodeMemo()
        var random = SeededGenerator(seed: Self.baseSeed &+ 3_000_000)
        let changes = RandomFrames.CallChange.allCases.filter { $0 != .repeated }
        for (index, (frame, _)) in RandomFrames.callStream(count: 3000, changes: changes, using: &random).enumerated() {
            var buffer = ByteBuffer()
            try FrameCodec.encode(frame, into: &buffer, memo: &memo)
            let length = buffer.readInteger(as: UInt32.self)!
            #expect(Int(length) == buffer.readableBytes)
            let bytes = buffer.readBytes(length: buffer.readableBytes)!
            #expect(Self.reference(bytes) == frame, "frame \(index)")
            #expect(bytes.count == (try frame.serializedBytes() as [UInt8]).count, "frame \(index)")
        }
    }

    @Test func everyEditOfAValidFrameIsDecodedAsSwiftProtobufDecodesIt() throws {
        var handWritten = 0
        var refused = 0
        for index in 0..<6000 {
            let seed = Self.baseSeed &+ 1_000_000 &+ UInt64(index)
            var random = SeededGenerator(seed: seed)
            var bytes: [UInt8] = try RandomFrames.frame(using: &random, maxPayload: 40).serializedBytes()
            for _ in 0...Int.random(in: 0...3, using: &random) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<5, using: &random) {
                case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes[at] ^= 1 << UInt8.random(in: 0...7, using: &random)
                case 2: bytes.removeSubrange(at...)
                case 3: bytes.insert(UInt8.random(in: 0...255, using: &random), at: at)
                default: bytes.remove(at: at)
                }
            }
            let expected = Self.reference(bytes)
            #expect(Self.codec(bytes) == expected, "seed \(seed): codec and SwiftProtobuf disagree on \(bytes)")
            if let fast = Self.knownShape(bytes) {
                handWritten += 1
                #expect(fast == expected, "seed \(seed): the hand-written path accepted what SwiftProtobuf reads differently")
            }
            if expected == nil { refused += 1 }
        }
        // Both paths and both verdicts were exercised.
        #expect(handWritten > 500 && refused > 1000, "hand-written \(handWritten), refused \(refused)")
    }

    @Test func randomBytesAreDecodedAsSwiftProtobufDecodesThem() {
        var random = SeededGenerator(seed: Self.baseSeed &+ 2_000_000)
        for _ in 0..<5000 {
            let bytes = random.bytes(count: Int.random(in: 1...24, using: &random))
            #expect(Self.codec(bytes) == Self.reference(bytes), "codec and SwiftProtobuf disagree on \(bytes)")
        }
    }

    @Test func unusualShapesGoToSwiftProtobuf() throws {
        // An unknown field (15, varint 1) after call_id 7: kept, as SwiftProtobuf keeps it.
        let unknown: [UInt8] = [0x10, 0x07, 0x78, 0x01]
        #expect(Self.knownShape(unknown) == nil)
        let decoded = try #require(Self.codec(unknown))
        #expect(decoded.callID == 7 && decoded.unknownFields.data == Data([0x78, 0x01]))
        // ...and written back with it.
        #expect(try Self.codecBody(decoded) == unknown)
        // Two status fields are merged: code from the first, message from the second.
        let twoStatuses: [UInt8] = [0x3A, 0x02, 0x08, 0x05, 0x3A, 0x03, 0x12, 0x01, 0x41]
        #expect(Self.knownShape(twoStatuses) == nil)
        let merged = try #require(Self.codec(twoStatuses))
        #expect(merged.status.code == .notFound && merged.status.message == "A")
        // Text that is not UTF-8 is malformed.
        #expect(Self.codec([0x1A, 0x01, 0xFF]) == nil)
        // A varint of 11 bytes is malformed.
        #expect(Self.codec([0x10] + [UInt8](repeating: 0xFF, count: 10) + [0x01]) == nil)
    }

    @Test func aRequestWithMetadataAndAnEndWithAStatusLookAsTheContractSays() throws {
        let request = Dms_V1_Frame.request(
            callID: 300, method: "dms.v1.HealthService/Health", payload: Data([1, 2]), metadata: ["namespace": "a"], timeoutMilliseconds: 1500)
        // type 1; call_id 300 (ac 02); method; metadata {1:"namespace",2:"a"}; timeout 1500 (dc 0b); payload.
        let expected: [UInt8] =
            [0x08, 0x01, 0x10, 0xAC, 0x02, 0x1A, 0x1B] + Array("dms.v1.HealthService/Health".utf8)
            + [0x22, 0x0E, 0x0A, 0x09] + Array("namespace".utf8) + [0x12, 0x01, 0x61]
            + [0x28, 0xDC, 0x0B, 0x32, 0x02, 0x01, 0x02]
        #expect(try Self.codecBody(request) == expected)
        // An END OK carries an empty status (present, so hasStatus survives the trip).
        let end = Dms_V1_Frame.end(callID: 1)
        #expect(try Self.codecBody(end) == [0x08, 0x03, 0x10, 0x01, 0x3A, 0x00])
        #expect(Self.knownShape([0x08, 0x03, 0x10, 0x01, 0x3A, 0x00])?.hasStatus == true)
    }

    @Test func varintSizesMatchTheirEncoding() throws {
        for value: UInt64 in [0, 1, 127, 128, 16383, 16384, UInt64(UInt32.max), UInt64.max >> 1, UInt64.max] {
            var frame = Dms_V1_Frame()
            frame.callID = value
            let bytes: [UInt8] = try frame.serializedBytes()
            let size = bytes.count
            #expect(FrameCodec.varintSize(value) == (value == 0 ? 1 : size - 1), "\(value)")
        }
    }
}
