/// A location inside a JSON value, built while validating and rendered as ``Violation/path``.
struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    /// The rendered path.
    private(set) var description = ""

    /// The validated value itself.
    static let root = JSONPath()

    /// The path of the member `key` of the object at this path.
    func appending(key: String) -> JSONPath {
        var path = self
        if Self.isPlainKey(key) {
            path.description += (description.isEmpty ? "" : ".") + key
        } else {
            path.description += "[" + JSONValue.string(key).serialized() + "]"
        }
        return path
    }

    /// The path of the element `index` of the array at this path.
    func appending(index: Int) -> JSONPath {
        var path = self
        path.description += "[\(index)]"
        return path
    }

    /// Keys written bare: a letter or `_`, then letters, digits, `_` or `-`.
    private static func isPlainKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, first.isASCII,
            first.properties.isAlphabetic || first == "_"
        else { return false }
        return key.unicodeScalars.allSatisfy { scalar in
            scalar.isASCII && (scalar.properties.isAlphabetic || scalar.properties.numericType == .decimal
                || scalar == "_" || scalar == "-")
        }
    }
}
