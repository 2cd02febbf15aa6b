extension JSONValue {
    /// Compact JSON text: no whitespace, object keys sorted by code point, so equal values give
    /// equal text.
    ///
    /// Integers are written without a fraction (`5432`); numbers in the shortest form that reads
    /// back as the same `Double`, always with a `.` or an exponent (`1.0`, `1e+16`), so they parse
    /// back as ``number(_:)``. Strings escape `"`, `\` and control characters; other characters
    /// are written as they are. A non-finite number (which parsing never produces) is written as
    /// `null`.
    public func serialized() -> String {
        var output = ""
        write(to: &output)
        return output
    }

    private func write(to output: inout String) {
        switch self {
        case .null:
            output += "null"
        case .bool(let bool):
            output += bool ? "true" : "false"
        case .integer(let integer):
            output += String(integer)
        case .number(let number):
            output += number.isFinite ? "\(number)" : "null"
        case .string(let string):
            JSONValue.writeString(string, to: &output)
        case .array(let elements):
            output += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { output += "," }
                element.write(to: &output)
            }
            output += "]"
        case .object(let members):
            output += "{"
            for (index, key) in members.keys.sorted(by: JSONValue.codePointOrder).enumerated() {
                if index > 0 { output += "," }
                JSONValue.writeString(key, to: &output)
                output += ":"
                members[key]!.write(to: &output)
            }
            output += "}"
        }
    }

    /// Orders strings by their Unicode code points (the same order as their UTF-8 bytes).
    static func codePointOrder(_ lhs: String, _ rhs: String) -> Bool {
        lhs.utf8.lexicographicallyPrecedes(rhs.utf8)
    }

    private static func writeString(_ string: String, to output: inout String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case "\u{00}"..."\u{1F}":
                let digits = String(scalar.value, radix: 16, uppercase: false)
                output += "\\u" + String(repeating: "0", count: 4 - digits.count) + digits
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
