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
