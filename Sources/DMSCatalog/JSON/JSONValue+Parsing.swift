extension JSONValue {
    /// How deeply arrays and objects may nest unless a parse asks for another limit.
    public static let defaultMaxDepth = 128

    /// Parses JSON text strictly (RFC 8259): any value may be the top level; no comments,
    /// trailing commas, leading zeros, `NaN` or unescaped control characters in strings.
    ///
    /// Numbers without a fraction or an exponent become ``integer(_:)`` and must fit in 64 bits;
    /// all others become ``number(_:)`` and must be finite. An object may not repeat a key (keys
    /// are compared after unescaping, with Swift's `String` equality).
    ///
    /// - Parameters:
    ///   - text: The JSON text.
    ///   - maxDepth: How deeply arrays and objects may nest; deeper text is refused rather than
    ///     risking the stack.
    /// - Throws: ``CatalogError`` with code ``CatalogError/Code/malformedJSON``, a message saying
    ///   what was expected, and the code-point ``CatalogError/offset`` where the problem is.
    public init(parsing text: String, maxDepth: Int = JSONValue.defaultMaxDepth) throws(CatalogError) {
        var parser = JSONParser(bytes: Array(text.utf8), maxDepth: maxDepth)
        self = try parser.parseDocument()
    }
}

/// A recursive-descent parser over UTF-8 bytes (valid by construction: they come from a `String`).
struct JSONParser {
    let bytes: [UInt8]
    let maxDepth: Int
    var position = 0

    init(bytes: [UInt8], maxDepth: Int) {
        self.bytes = bytes
        self.maxDepth = maxDepth
    }

    mutating func parseDocument() throws(CatalogError) -> JSONValue {
        skipWhitespace()
        let value = try parseValue(depth: 0)
        skipWhitespace()
        guard position == bytes.count else {
            throw failure("unexpected \(describeCurrent()) after the JSON value")
        }
        return value
    }

    // MARK: Values

    private mutating func parseValue(depth: Int) throws(CatalogError) -> JSONValue {
        guard position < bytes.count else {
            throw failure("unexpected end of input, expected a JSON value")
        }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth + 1)
        case UInt8(ascii: "["): return try parseArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): return try parseLiteral("true", .bool(true))
        case UInt8(ascii: "f"): return try parseLiteral("false", .bool(false))
        case UInt8(ascii: "n"): return try parseLiteral("null", .null)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try parseNumber()
        default: throw failure("unexpected \(describeCurrent()), expected a JSON value")
        }
    }

    private mutating func parseObject(depth: Int) throws(CatalogError) -> JSONValue {
        try checkDepth(depth)
        position += 1  // {
        var members: [String: JSONValue] = [:]
        skipWhitespace()
        if consume(UInt8(ascii: "}")) { return .object(members) }
        while true {
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                let expected = members.isEmpty ? "a string key or '}'" : "a string key after ','"
                throw failure("unexpected \(describeCurrent()), expected \(expected)")
            }
            let keyStart = position
            let key = try parseString()
            guard members[key] == nil else {
                throw failure("duplicate key \(JSONValue.string(key).serialized()) in an object", at: keyStart)
            }
            skipWhitespace()
            guard consume(UInt8(ascii: ":")) else {
                throw failure("unexpected \(describeCurrent()), expected ':' after an object key")
            }
            skipWhitespace()
            members[key] = try parseValue(depth: depth)
            skipWhitespace()
            if consume(UInt8(ascii: "}")) { return .object(members) }
            guard consume(UInt8(ascii: ",")) else {
                throw failure("unexpected \(describeCurrent()), expected ',' or '}' after an object member")
            }
            skipWhitespace()
        }
    }

    private mutating func parseArray(depth: Int) throws(CatalogError) -> JSONValue {
        try checkDepth(depth)
        position += 1  // [
        var elements: [JSONValue] = []
        skipWhitespace()
        if consume(UInt8(ascii: "]")) { return .array(elements) }
        while true {
            elements.append(try parseValue(depth: depth))
            skipWhitespace()
            if consume(UInt8(ascii: "]")) { return .array(elements) }
            guard consume(UInt8(ascii: ",")) else {
                throw failure("unexpected \(describeCurrent()), expected ',' or ']' after an array element")
            }
            skipWhitespace()
        }
    }

    private mutating func parseLiteral(_ word: String, _ value: JSONValue) throws(CatalogError) -> JSONValue {
        let literal = word.utf8
        guard bytes.count - position >= literal.count,
            bytes[position..<position + literal.count].elementsEqual(literal)
        else {
            throw failure("invalid literal, expected true, false or null")
        }
        position += literal.count
        return value
    }

    // MARK: Numbers

    private mutating func parseNumber() throws(CatalogError) -> JSONValue {
        let start = position
        _ = consume(UInt8(ascii: "-"))
        guard position < bytes.count, isDigit(bytes[position]) else {
            throw failure("unexpected \(describeCurrent()), expected a digit")
        }
        if consume(UInt8(ascii: "0")) {
            if position < bytes.count, isDigit(bytes[position]) {
                throw failure("leading zeros are not allowed in a number", at: start)
            }
        } else {
            skipDigits()
        }
        var isInteger = true
        if consume(UInt8(ascii: ".")) {
            isInteger = false
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw failure("unexpected \(describeCurrent()), expected a digit after '.'")
            }
            skipDigits()
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if !consume(UInt8(ascii: "+")) { _ = consume(UInt8(ascii: "-")) }
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw failure("unexpected \(describeCurrent()), expected a digit in the exponent")
            }
            skipDigits()
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        if isInteger {
            guard let integer = Int64(text) else {
                throw failure("integer \(text) does not fit in 64 bits", at: start)
            }
            return .integer(integer)
        }
        guard let number = Double(text), number.isFinite else {
            throw failure("number \(text) is out of range", at: start)
        }
        return .number(number)
    }

    private func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private mutating func skipDigits() {
        while position < bytes.count, isDigit(bytes[position]) { position += 1 }
    }

    // MARK: Strings

    /// Parses a string starting at its opening quote.
    private mutating func parseString() throws(CatalogError) -> String {
        let start = position
        position += 1  // "
        var utf8: [UInt8] = []
        while position < bytes.count {
            let byte = bytes[position]
            switch byte {
            case UInt8(ascii: "\""):
                position += 1
                return String(decoding: utf8, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try parseEscape(into: &utf8)
            case 0x00..<0x20:
                throw failure("control character \(hex(UInt32(byte))) must be escaped in a string")
            default:
                utf8.append(byte)
                position += 1
            }
        }
        throw failure("unterminated string", at: start)
    }

    /// Parses one escape sequence starting at its backslash.
    private mutating func parseEscape(into utf8: inout [UInt8]) throws(CatalogError) {
        let start = position
        position += 1  // backslash
        guard position < bytes.count else { throw failure("unterminated string") }
        let letter = bytes[position]
        position += 1
        switch letter {
        case UInt8(ascii: "\""): utf8.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): utf8.append(UInt8(ascii: "\\"))
        case UInt8(ascii: "/"): utf8.append(UInt8(ascii: "/"))
        case UInt8(ascii: "b"): utf8.append(0x08)
        case UInt8(ascii: "f"): utf8.append(0x0C)
        case UInt8(ascii: "n"): utf8.append(0x0A)
        case UInt8(ascii: "r"): utf8.append(0x0D)
        case UInt8(ascii: "t"): utf8.append(0x09)
        case UInt8(ascii: "u"):
            var code = try parseHex4()
            if (0xDC00...0xDFFF).contains(code) {
                throw failure("unpaired surrogate \\u\(hex4(code)) in a string", at: start)
            }
            if (0xD800...0xDBFF).contains(code) {
                guard bytes.count - position >= 2, bytes[position] == UInt8(ascii: "\\"),
                    bytes[position + 1] == UInt8(ascii: "u")
                else {
                    throw failure("unpaired surrogate \\u\(hex4(code)) in a string", at: start)
                }
                position += 2
                let low = try parseHex4()
                guard (0xDC00...0xDFFF).contains(low) else {
                    throw failure("unpaired surrogate \\u\(hex4(code)) in a string", at: start)
                }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            }
            // Surrogates are excluded above, so every remaining code is a valid scalar.
            let scalar = Unicode.Scalar(code)!
            utf8.append(contentsOf: String(Character(scalar)).utf8)
        default:
            position -= 1
            throw failure("invalid escape sequence \\\(describeCurrent(quoted: false)) in a string", at: start)
        }
    }

    private mutating func parseHex4() throws(CatalogError) -> UInt32 {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard position < bytes.count, let digit = hexDigitValue(bytes[position]) else {
                throw failure("unexpected \(describeCurrent()), expected 4 hexadecimal digits after \\u")
            }
            code = code << 4 | digit
            position += 1
        }
        return code
    }

    private func hexDigitValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    // MARK: Helpers

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func consume(_ byte: UInt8) -> Bool {
        guard position < bytes.count, bytes[position] == byte else { return false }
        position += 1
        return true
    }

    private func checkDepth(_ depth: Int) throws(CatalogError) {
        if depth > maxDepth {
            throw failure("arrays and objects nest deeper than \(maxDepth) levels")
        }
    }

    /// The character at the current position for a message: `'x'`, `U+0001` or `end of input`.
    private func describeCurrent(quoted: Bool = true) -> String {
        guard position < bytes.count else { return "end of input" }
        let tail = bytes[position..<min(position + 4, bytes.count)]
        guard let scalar = String(decoding: tail, as: UTF8.self).unicodeScalars.first else { return "end of input" }
        if scalar.properties.isWhitespace || scalar.value < 0x20 || scalar.value == 0x7F
            || scalar.properties.generalCategory == .format
        {
            return hex(scalar.value)
        }
        return quoted ? "'\(Character(scalar))'" : String(Character(scalar))
    }

    private func hex(_ value: UInt32) -> String { "U+" + hex4(value) }

    private func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// A malformed-JSON error at a byte position, reported as a code-point offset.
    private func failure(_ message: String, at bytePosition: Int? = nil) -> CatalogError {
        let byteOffset = bytePosition ?? position
        let offset = bytes[..<byteOffset].reduce(0) { count, byte in count + (byte & 0xC0 == 0x80 ? 0 : 1) }
        return CatalogError(.malformedJSON, "at offset \(offset): \(message)", offset: offset)
    }
}
