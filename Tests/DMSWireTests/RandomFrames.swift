import DMSTestSupport
import DMSProto
import DMSWire
import Foundation
import NIOCore

/// Builders of random but valid frames, and helpers to encode and decode them.
enum RandomFrames {
    static func frame(using random: inout SeededGenerator, maxPayload: Int) -> Dms_V1_Frame {
        var frame = Dms_V1_Frame()
        let types: [Dms_V1_Frame.TypeEnum] = Dms_V1_Frame.TypeEnum.allCases + [.UNRECOGNIZED(Int.random(in: 6...1000, using: &random))]
        frame.type = types.randomElement(using: &random)!
        frame.callID = Bool.random(using: &random) ? UInt64.random(in: 0...16, using: &random) : random.next()
        if Bool.random(using: &random) { frame.method = "dms.v1.\(random.string(maxLength: 12))Service/\(random.string(maxLength: 12))" }
        for _ in 0..<Int.random(in: 0...4, using: &random) {
            frame.metadata[random.string(maxLength: 10)] = random.string(maxLength: 40)
        }
        if Bool.random(using: &random) { frame.timeoutMs = UInt64.random(in: 0...UInt64(UInt32.max), using: &random) }
        frame.payload = Data(random.bytes(count: Int.random(in: 0...maxPayload, using: &random)))
        if Bool.random(using: &random) {
            var status = Dms_V1_Status()
            status.code = Dms_V1_Status.Code(rawValue: Int.random(in: 0...20, using: &random))!
            status.message = random.string(maxLength: 60)
            status.violations = (0..<Int.random(in: 0...3, using: &random)).map { _ in
                var violation = Dms_V1_FieldViolation()
                violation.field = random.string(maxLength: 20)
                violation.description_p = random.string(maxLength: 40)
                return violation
            }
            frame.status = status
        }
        return frame
    }

    /// How a frame of ``callStream(count:using:)`` came about.
    enum CallChange: CaseIterable {
        /// A caller's frame as it was (method and metadata repeated, the same dictionary).
        case repeated
        /// One metadata entry changed.
        case entryChanged
        /// The first caller replaced by a new one.
        case callerReplaced
        /// Another method name.
        case methodChanged
        /// Metadata equal to the caller's, in a dictionary of its own.
        case equalMetadataCopied
        /// No method and no metadata.
        case headerDropped
    }

    /// `count` frames as a connection's calls come: each from one of three callers, with a new
    /// call id and payload, mostly repeating the caller's method and metadata (as a memo of the
    /// previous frame expects), sometimes with one of `changes` made.
    static func callStream(
        count: Int, changes: [CallChange], using random: inout SeededGenerator
    ) -> [(frame: Dms_V1_Frame, change: CallChange)] {
        var callers = (0..<3).map { _ in frame(using: &random, maxPayload: 20) }
        return (0..<count).map { index in
            var frame = callers[Int.random(in: 0..<callers.count, using: &random)]
            frame.callID = UInt64(index)
            frame.payload = Data(random.bytes(count: Int.random(in: 0...20, using: &random)))
            // As often unchanged as changed in any one way, and more often than not unchanged.
            let roll = Int.random(in: 0..<(changes.count + max(changes.count, 5)), using: &random)
            let change = roll < changes.count ? changes[roll] : .repeated
            switch change {
            case .repeated: break
            case .entryChanged: frame.metadata[frame.metadata.keys.first ?? "k"] = random.string(maxLength: 40)
            case .callerReplaced: callers[0] = self.frame(using: &random, maxPayload: 20)
            case .methodChanged: frame.method = random.string(maxLength: 30)
            case .equalMetadataCopied: frame.metadata = Dictionary(uniqueKeysWithValues: frame.metadata.map { ($0.key, $0.value) })
            case .headerDropped: (frame.method, frame.metadata) = ("", [:])
            }
            return (frame, change)
        }
    }
}

/// The bytes of `frames`, each with its length prefix.
func encoded(_ frames: [Dms_V1_Frame]) throws -> ByteBuffer {
    var buffer = ByteBuffer()
    for frame in frames { try FrameEncoder.encode(frame, into: &buffer) }
    return buffer
}

/// A buffer holding exactly `bytes`.
func buffer(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

/// Parses a hex dump such as `"00 00 00 02  08 05"`.
func hexBytes(_ text: String) -> [UInt8] {
    let digits = text.filter(\.isHexDigit)
    var bytes: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        bytes.append(UInt8(digits[index..<next], radix: 16)!)
        index = next
    }
    return bytes
}
