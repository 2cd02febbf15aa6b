import DMSTestSupport
import DMSProto
import DMSWire
import Foundation
import NIOCore
import Testing

/// Random and mutated input for the decoder. Every case is reproducible from the seed in its
/// failure message (`SeededGenerator(seed:)`); set `DMS_FUZZ_SEED` to explore other seeds.
@Suite(.timeLimit(.minutes(1)))
struct FrameDecoderFuzzTests {
    static let baseSeed: UInt64 = ProcessInfo.processInfo.environment["DMS_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0xD45_2026
    static let limits = [64, 1024, WireLimits.defaultMaximumFrameBytes]

    /// How the decoder's run over one input ended.
    enum Outcome: Hashable {
        case needMoreData, tooLarge, malformed
    }

    /// How often each outcome was seen, so a fuzz run that never reaches a path is noticed.
    struct Tally: CustomStringConvertible {
        var endings: [Outcome: Int] = [:]
        var frames = 0
        var keepAlives = 0

        mutating func add(_ result: (frames: [Dms_V1_Frame], keepAlives: Int, last: Outcome)) {
            endings[result.last, default: 0] += 1
            frames += result.frames.count
            keepAlives += result.keepAlives
        }

        var description: String { "endings \(endings), frames \(frames), keep-alives \(keepAlives)" }
    }

    /// Decodes `input` until the decoder needs more data or throws, checking each step's invariants.
    /// Returns the frames decoded and the final outcome.
    @discardableResult
    static func decodeAll(_ bytes: [UInt8], limit: Int, seed: UInt64) -> (frames: [Dms_V1_Frame], keepAlives: Int, last: Outcome) {
        let decoder = FrameDecoder(maximumFrameBytes: limit)
        var input = ByteBuffer(bytes: bytes)
        var frames: [Dms_V1_Frame] = []
        var keepAlives = 0
        // Every step that does not end the loop consumes at least the 4-byte prefix.
        for _ in 0...(bytes.count / 4 + 1) {
            let before = input.readerIndex
            let prefix = input.getInteger(at: before, as: UInt32.self)
            let result: Dms_V1_Frame??
            do {
                result = try decoder.decodeFrame(from: &input)
            } catch {
                switch error.kind {
                case .frameTooLarge(let length, let reportedLimit):
                    #expect(length == Int(prefix ?? 0) && length > limit && reportedLimit == limit, "seed \(seed): \(error)")
                    #expect(input.readerIndex == before, "seed \(seed): an oversize prefix consumed bytes")
                    return (frames, keepAlives, .tooLarge)
                case .malformedFrame:
                    #expect(prefix != nil && prefix! > 0 && Int(prefix!) <= limit, "seed \(seed)")
                    return (frames, keepAlives, .malformed)
                }
            }
            switch result {
            case nil:
                #expect(input.readerIndex == before, "seed \(seed): needs-more-data moved the reader index")
                if let prefix {
                    #expect(Int(prefix) <= limit && input.readableBytes < 4 + Int(prefix), "seed \(seed): refused a whole frame")
                }
                return (frames, keepAlives, .needMoreData)
            case .some(nil):
                #expect(prefix == 0, "seed \(seed): keep-alive reported for prefix \(String(describing: prefix))")
                #expect(input.readerIndex == before + 4, "seed \(seed)")
                keepAlives += 1
            case .some(let frame?):
                let length = Int(prefix ?? 0)
                #expect(length > 0 && length <= limit, "seed \(seed): frame decoded from prefix \(length)")
                #expect(input.readerIndex == before + 4 + length, "seed \(seed): frame consumed the wrong byte count")
                var again = (try? encoded([frame])) ?? ByteBuffer()
                #expect((try? decoder.decodeFrame(from: &again)) == .some(frame), "seed \(seed): decoded frame does not round-trip")
                frames.append(frame)
            }
        }
        Issue.record("seed \(seed): the decoder did not stop on \(bytes.count) bytes")
        return (frames, keepAlives, .needMoreData)
    }

    @Test(arguments: 0..<4)
    func randomBytesEndInAFrameKeepAliveNeedMoreDataOrFrameError(round: Int) {
        var tally = Tally()
        for index in 0..<1000 {
            let seed = Self.baseSeed &+ UInt64(round * 1_000_000 + index)
            var random = SeededGenerator(seed: seed)
            var bytes = random.bytes(count: Int.random(in: 0...300, using: &random))
            if Bool.random(using: &random), bytes.count >= 4 {
                // A plausible prefix so that random bodies actually reach the protobuf decoder.
                let length = UInt32(Int.random(in: 0...(bytes.count - 4), using: &random))
                withUnsafeBytes(of: length.bigEndian) { bytes.replaceSubrange(0..<4, with: $0) }
            }
            tally.add(Self.decodeAll(bytes, limit: Self.limits.randomElement(using: &random)!, seed: seed))
        }
        #expect(tally.endings[.needMoreData, default: 0] > 0 && tally.endings[.tooLarge, default: 0] > 0
            && tally.endings[.malformed, default: 0] > 0 && tally.keepAlives > 0, "\(tally)")
    }

    @Test(arguments: 0..<4)
    func mutatedValidFramesNeverCrashOrHang(round: Int) throws {
        var tally = Tally()
        for index in 0..<1000 {
            let seed = Self.baseSeed &+ UInt64(round * 1_000_000 + index) &+ 0x5000_0000
            var random = SeededGenerator(seed: seed)
            let frames = (0..<Int.random(in: 1...3, using: &random)).map { _ in RandomFrames.frame(using: &random, maxPayload: 200) }
            var bytes = Array(try encoded(frames).readableBytesView)
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                Self.mutate(&bytes, using: &random)
            }
            tally.add(Self.decodeAll(bytes, limit: Self.limits.randomElement(using: &random)!, seed: seed))
        }
        #expect(tally.endings[.needMoreData, default: 0] > 0 && tally.endings[.tooLarge, default: 0] > 0
            && tally.endings[.malformed, default: 0] > 0 && tally.frames > 0, "\(tally)")
    }

    @Test(arguments: 0..<2)
    func randomValidFramesRoundTripThroughEncodeAndDecode(round: Int) throws {
        for index in 0..<250 {
            let seed = Self.baseSeed &+ UInt64(round * 1_000_000 + index) &+ 0x9000_0000
            var random = SeededGenerator(seed: seed)
            let frames = (0..<Int.random(in: 1...4, using: &random)).map { _ in RandomFrames.frame(using: &random, maxPayload: 4096) }
            var bytes = Array(try encoded(frames).readableBytesView)
            if Bool.random(using: &random) { bytes += [0, 0, 0, 0] }
            let (decoded, _, last) = Self.decodeAll(bytes, limit: WireLimits.defaultMaximumFrameBytes, seed: seed)
            #expect(decoded == frames, "seed \(seed): decoded frames differ from the encoded ones")
            guard case .needMoreData = last else {
                Issue.record("seed \(seed): valid input ended with \(last)")
                continue
            }
        }
    }

    static func mutate(_ bytes: inout [UInt8], using random: inout SeededGenerator) {
        guard !bytes.isEmpty else {
            bytes = random.bytes(count: 4)
            return
        }
        switch Int.random(in: 0..<6, using: &random) {
        case 0:  // flip one bit
            let index = Int.random(in: bytes.indices, using: &random)
            bytes[index] ^= 1 << UInt8.random(in: 0..<8, using: &random)
        case 1:  // truncate
            bytes.removeLast(Int.random(in: 1...bytes.count, using: &random))
        case 2:  // insert a byte
            bytes.insert(UInt8.random(in: .min ... .max, using: &random), at: Int.random(in: 0...bytes.count, using: &random))
        case 3:  // delete a byte
            bytes.remove(at: Int.random(in: bytes.indices, using: &random))
        case 4:  // alter the first length prefix by a little
            guard bytes.count >= 4 else { return }
            let old = bytes[0..<4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let new = old &+ UInt32(bitPattern: Int32.random(in: -8...8, using: &random))
            withUnsafeBytes(of: new.bigEndian) { bytes.replaceSubrange(0..<4, with: $0) }
        default:  // replace the first length prefix with anything
            guard bytes.count >= 4 else { return }
            let new = UInt32.random(in: .min ... .max, using: &random)
            withUnsafeBytes(of: new.bigEndian) { bytes.replaceSubrange(0..<4, with: $0) }
        }
    }
}
