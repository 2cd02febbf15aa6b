/// One way a JSON value breaks a schema: where, and why.
///
/// `path` locates the offending value relative to the validated one, in a dotted JSON-path-like
/// form: `port`, `properties.fetchsize`, `tables[2]`, `options["fs.s3a.endpoint"]` (keys that are
/// not plain identifiers are quoted), and the empty string for the validated value itself.
/// `reason` is short and names the expectation: `unknown field`, `required field is missing`,
/// `must be an integer, got string`, `must be one of: csv, json, orc, parquet`, `must be at least 1`.
///
/// Violations sort by path (array indices and other digit runs compare as numbers, so `tables[2]`
/// comes before `tables[10]`), then by reason.
public struct Violation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Where the offending value is; empty for the validated value itself.
    public let path: String
    /// What is wrong, for people.
    public let reason: String

    /// A violation at `path` for `reason`.
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    /// `path: reason`, or just `reason` at the root.
    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }

    /// Path order (digit runs compared as numbers), then reason.
    public static func < (lhs: Violation, rhs: Violation) -> Bool {
        if lhs.path != rhs.path { return naturalOrder(lhs.path, rhs.path) }
        return lhs.reason.utf8.lexicographicallyPrecedes(rhs.reason.utf8)
    }

    /// Compares strings piece by piece, runs of ASCII digits by their numeric value, everything
    /// else by code point (UTF-8 byte order); ties (`a01` and `a1`) fall back to plain code-point
    /// order so the order is total.
    static func naturalOrder(_ lhs: String, _ rhs: String) -> Bool {
        let left = Array(lhs.utf8)
        let right = Array(rhs.utf8)
        var i = 0
        var j = 0
        while i < left.count, j < right.count {
            if isDigit(left[i]), isDigit(right[j]) {
                let leftRun = digitRun(left, from: i)
                let rightRun = digitRun(right, from: j)
                let leftValue = left[leftRun].drop { $0 == UInt8(ascii: "0") }
                let rightValue = right[rightRun].drop { $0 == UInt8(ascii: "0") }
                if leftValue.count != rightValue.count { return leftValue.count < rightValue.count }
                if !leftValue.elementsEqual(rightValue) { return leftValue.lexicographicallyPrecedes(rightValue) }
                i = leftRun.upperBound
                j = rightRun.upperBound
                continue
            }
            if left[i] != right[j] { return left[i] < right[j] }
            i += 1
            j += 1
        }
        if (i == left.count) != (j == right.count) { return i == left.count }
        return left.lexicographicallyPrecedes(right)
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func digitRun(_ bytes: [UInt8], from start: Int) -> Range<Int> {
        var end = start
        while end < bytes.count, isDigit(bytes[end]) { end += 1 }
        return start..<end
    }
}
