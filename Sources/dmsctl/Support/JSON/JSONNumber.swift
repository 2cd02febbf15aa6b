import Foundation

/// The rules for JSON number text: what is one, and when two denote the same value.
enum JSONNumber {
    /// Whether `text` is a number as JSON writes it (`-0.5`, `12`, `1e10`; not `+1`, `.5`, `01`).
    static func isValid(_ text: String) -> Bool {
        var bytes = Array(text.utf8)[...]
        if bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
        guard let first = bytes.first else { return false }
        if first == UInt8(ascii: "0") {
            bytes = bytes.dropFirst()
        } else {
            guard isDigit(first) else { return false }
            bytes = bytes.drop(while: isDigit)
        }
        if bytes.first == UInt8(ascii: ".") {
            bytes = bytes.dropFirst()
            guard let digit = bytes.first, isDigit(digit) else { return false }
            bytes = bytes.drop(while: isDigit)
        }
        if bytes.first == UInt8(ascii: "e") || bytes.first == UInt8(ascii: "E") {
            bytes = bytes.dropFirst()
            if bytes.first == UInt8(ascii: "+") || bytes.first == UInt8(ascii: "-") { bytes = bytes.dropFirst() }
            guard let digit = bytes.first, isDigit(digit) else { return false }
            bytes = bytes.drop(while: isDigit)
        }
        return bytes.isEmpty
    }

    /// Whether two number texts denote the same value (`1`, `1.0` and `1e0` do).
    static func sameValue(_ lhs: String, _ rhs: String) -> Bool {
        guard let a = Decimal(string: lhs, locale: Locale(identifier: "en_US_POSIX")),
            let b = Decimal(string: rhs, locale: Locale(identifier: "en_US_POSIX"))
        else { return false }
        return a == b
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }
}
