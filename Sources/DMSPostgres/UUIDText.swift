import Foundation

/// The canonical text form of ids (`8-4-4-4-12` hex digits), read and written without
/// Foundation's parser (`sscanf` and `strtoul` under the hood) and without a lowercasing copy:
/// every get parses its key and its row's id, binds the id and writes it back.
extension UUID {
    /// Parses `8-4-4-4-12` hex digits, either case, and nothing else (Foundation's parser, `sscanf`
    /// with `%x`, also takes a sign, `0x` or a space in the first group).
    public init?(text: String) {
        var text = text
        let parsed: uuid_t? = text.withUTF8 { bytes -> uuid_t? in
            guard bytes.count == 36 else { return nil }
            var raw: uuid_t = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            let ok = withUnsafeMutableBytes(of: &raw) { out -> Bool in
                var position = 0
                for index in 0..<16 {
                    if position == 8 || position == 13 || position == 18 || position == 23 {
                        guard bytes[position] == UInt8(ascii: "-") else { return false }
                        position += 1
                    }
                    guard let high = HexDigits.value(bytes[position]), let low = HexDigits.value(bytes[position + 1]) else { return false }
                    out[index] = high << 4 | low
                    position += 2
                }
                return true
            }
            return ok ? raw : nil
        }
        guard let parsed else { return nil }
        self.init(uuid: parsed)
    }

    /// The lowercase text form the store and the API use.
    public var text: String {
        withUnsafeBytes(of: uuid) { raw in
            String(unsafeUninitializedCapacity: 36) { out in
                var position = 0
                for index in 0..<16 {
                    if index == 4 || index == 6 || index == 8 || index == 10 {
                        out[position] = UInt8(ascii: "-")
                        position += 1
                    }
                    out[position] = HexDigits.lowercase[Int(raw[index] >> 4)]
                    out[position + 1] = HexDigits.lowercase[Int(raw[index] & 0x0f)]
                    position += 2
                }
                return position
            }
        }
    }
}

/// Hex digits, read and written.
enum HexDigits {
    /// `0`…`9`, `a`…`f`.
    static let lowercase: [UInt8] = Array("0123456789abcdef".utf8)

    /// The value of a hex digit of either case, or nil.
    static func value(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte &- UInt8(ascii: "A") &+ 10
        default: nil
        }
    }
}
