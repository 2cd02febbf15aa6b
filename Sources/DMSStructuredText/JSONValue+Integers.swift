import DMSCatalog

extension JSONValue {
    /// Whether `text` is a whole number in decimal (`-12`, `98765432109876543210`; no sign `+`, no
    /// leading zero) too large for ``integer(_:)``: text that reads as a number to people, which
    /// dmsctl refuses rather than quietly take as a string.
    public static func isOversizedInteger(_ text: String) -> Bool {
        let digits = text.utf8.first == UInt8(ascii: "-") ? text.utf8.dropFirst() : text.utf8[...]
        guard let first = digits.first, first != UInt8(ascii: "0") else { return false }
        return digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } && Int64(text) == nil
    }
}
