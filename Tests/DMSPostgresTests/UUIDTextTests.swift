import DMSPostgres
import Foundation
import Testing

@Suite("UUID text")
struct UUIDTextTests {
    @Test("writes the lowercase canonical form, and reads it back")
    func roundTrip() {
        for _ in 0..<2000 {
            let id = UUID()
            #expect(id.text == id.uuidString.lowercased())
            #expect(UUID(text: id.text) == id)
            #expect(UUID(text: id.uuidString) == id)
        }
        #expect(UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)).text == "00000000-0000-0000-0000-000000000000")
        #expect(UUID(text: "FFFFFFFF-ffff-FfFf-0000-0123456789aB")?.text == "ffffffff-ffff-ffff-0000-0123456789ab")
    }

    @Test("refuses all but the canonical form", arguments: [
        "", "not a uuid", "00000000-0000-0000-0000-00000000000", "00000000-0000-0000-0000-0000000000000",
        "00000000_0000-0000-0000-000000000000", "0000000-00000-0000-0000-000000000000", "g0000000-0000-0000-0000-000000000000",
        "{00000000-0000-0000-0000-000000000000}", "00000000000000000000000000000000", "00000000-0000-0000-0000-00000000000é",
        // Foundation's parser (sscanf with %x) takes these; an id of this server never looks so.
        " 0000000-0000-0000-0000-000000000000", "+0000000-0000-0000-0000-000000000000", "0x000000-0000-0000-0000-000000000000",
    ])
    func refusals(text: String) {
        #expect(UUID(text: text) == nil)
    }

    @Test("agrees with Foundation on mutated ids, but for the looser forms Foundation also takes")
    func mutations() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789abcdefABCDEFgxz-+ {}_".utf8)
        var refusedMore = 0
        for _ in 0..<5000 {
            var bytes = Array(UUID().uuidString.utf8)
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: bytes[Int.random(in: 0..<bytes.count, using: &generator)] = alphabet.randomElement(using: &generator)!
            case 1: bytes.remove(at: Int.random(in: 0..<bytes.count, using: &generator))
            default: bytes.insert(alphabet.randomElement(using: &generator)!, at: Int.random(in: 0...bytes.count, using: &generator))
            }
            let text = String(decoding: bytes, as: UTF8.self)
            let canonical = bytes.count == 36 && bytes.enumerated().allSatisfy { index, byte in
                [8, 13, 18, 23].contains(index) ? byte == UInt8(ascii: "-") : Self.hexDigits.contains(byte)
            }
            if canonical {
                #expect(UUID(text: text) != nil && UUID(text: text) == UUID(uuidString: text), "\(text)")
            } else {
                #expect(UUID(text: text) == nil, "\(text)")
                if UUID(uuidString: text) != nil { refusedMore += 1 }
            }
        }
        #expect(refusedMore < 5000)
    }

    private static let hexDigits = Set("0123456789abcdefABCDEF".utf8)
}
