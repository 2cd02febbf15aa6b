import DMSCatalog

extension JSONValue {
    /// Whether the two values mean the same configuration: like `==`, except that an integer and a
    /// floating-point number are the same when they are equal numbers (`1` and `1.0`), at any depth.
    ///
    /// A document may write `1.0` where the server shows `1` (or the other way round); comparing
    /// for `apply` must not see a change there.
    public func isEquivalent(to other: JSONValue) -> Bool {
        switch (self, other) {
        case (.integer, .number), (.number, .integer):
            return doubleValue == other.doubleValue
        case (.array(let elements), .array(let others)):
            return elements.count == others.count && zip(elements, others).allSatisfy { $0.isEquivalent(to: $1) }
        case (.object(let members), .object(let others)):
            return members.count == others.count
                && members.allSatisfy { key, value in others[key].map(value.isEquivalent) ?? false }
        default:
            return self == other
        }
    }
}
