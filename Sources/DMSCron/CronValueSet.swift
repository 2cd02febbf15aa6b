/// A set of small non-negative integers (0–63) as a bitset: the values one cron field allows.
struct CronValueSet: Sendable, Hashable {
    /// Bit `n` is set when `n` is in the set.
    private(set) var bits: UInt64 = 0

    /// The empty set.
    init() {}

    /// The set with exactly the bits of `bits`.
    init(bits: UInt64) { self.bits = bits }

    /// True when `value` is in the set.
    func contains(_ value: Int) -> Bool { value >= 0 && value < 64 && bits & (1 << UInt64(value)) != 0 }

    /// True when the set has no values.
    var isEmpty: Bool { bits == 0 }

    /// Adds `value` (0–63).
    mutating func insert(_ value: Int) { bits |= 1 << UInt64(value) }

    /// The smallest value in the set that is at least `value`, or nil.
    func next(from value: Int) -> Int? {
        guard value < 64 else { return nil }
        let candidates = bits & (UInt64.max << UInt64(max(value, 0)))
        return candidates == 0 ? nil : candidates.trailingZeroBitCount
    }

    /// The set of all values from `lower` through `upper`.
    static func range(_ lower: Int, _ upper: Int) -> CronValueSet {
        CronValueSet(bits: (UInt64.max >> UInt64(63 - upper)) & (UInt64.max << UInt64(lower)))
    }
}
