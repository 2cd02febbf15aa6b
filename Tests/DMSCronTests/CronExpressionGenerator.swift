/// Random cron expressions for the differential test, from a seed: every syntax form, 5 and 6
/// fields, macros.
///
/// It never writes three forms on which croniter (the reference) is wrong; they are covered by
/// hand-picked tests instead (`CronSyntaxTests`):
///
/// * a range whose ends are equal (`5-5`): croniter reads it as the whole cycle, not `5`; and so
///   also `a/n` where `a` is the field's last value (`23/4` in the hour field): croniter reads
///   `a/n` as `a-23/n`, which is then the whole cycle (0, 4, 8, …), not 23;
/// * a reversed range with a step (`50-10/15`): croniter continues the step across the wrap one
///   value late (50 and 6, not 50 and 5);
/// * day of week 7 in a 6-field expression: croniter refuses it there (its alias table is
///   keyed on the field count), though it takes 7 as Sunday in 5-field expressions.
struct CronExpressionGenerator {
    private var random: SeededRandom

    /// A generator whose sequence is fixed by `seed`.
    init(seed: UInt64) { random = SeededRandom(seed: seed) }

    private static let macros = ["@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually"]
    private static let months = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
    private static let weekdays = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]

    /// The next expression.
    mutating func next() -> String {
        if random.chance(0.04) { return random.element(Self.macros) }
        let withSeconds = random.chance(0.3)
        var fields: [String] = []
        if withSeconds { fields.append(field(minimum: 0, maximum: 59, wildcardChance: 0.3)) }
        fields.append(field(minimum: 0, maximum: 59, wildcardChance: 0.2))
        fields.append(field(minimum: 0, maximum: 23, wildcardChance: 0.35))
        fields.append(random.chance(0.05) ? "?" : field(minimum: 1, maximum: 31, wildcardChance: 0.6))
        fields.append(field(minimum: 1, maximum: 12, wildcardChance: 0.6, names: Self.months, nameOffset: 1))
        let sundaySeven = !withSeconds
        fields.append(random.chance(0.04) ? "?" : field(minimum: 0, maximum: sundaySeven ? 7 : 6, wildcardChance: 0.6, names: Self.weekdays, nameOffset: 0))
        return fields.joined(separator: " ")
    }

    private mutating func field(minimum: Int, maximum: Int, wildcardChance: Double, names: [String] = [], nameOffset: Int = 0) -> String {
        if random.chance(wildcardChance) { return "*" }
        let count = random.chance(0.7) ? 1 : random.int(2...3)
        return (0..<count).map { _ in item(minimum: minimum, maximum: maximum, names: names, nameOffset: nameOffset) }.joined(separator: ",")
    }

    private mutating func item(minimum: Int, maximum: Int, names: [String], nameOffset: Int) -> String {
        let cycleMaximum = min(maximum, names.count == 7 ? 6 : maximum)
        func value(_ number: Int) -> String {
            if number - nameOffset < names.count, random.chance(0.4) {
                let name = names[number - nameOffset]
                return random.chance(0.5) ? name : name.lowercased()
            }
            return String(number)
        }
        let span = cycleMaximum - minimum + 1
        switch random.int(0...5) {
        case 0, 1:
            return value(random.int(minimum...maximum))
        case 2:
            return "*/\(random.int(1...max(1, span / 2)))"
        case 3:
            let (low, high) = (random.int(minimum...maximum), random.int(minimum...maximum))
            // Equal ends, also 7-0 in the day of week (7 is Sunday, like 0).
            if low % span == high % span { return value(low) }
            let reversed = low > high
            if !reversed, random.chance(0.5) { return "\(value(low))-\(value(high))/\(random.int(1...max(1, span / 2)))" }
            return "\(value(low))-\(value(high))"
        case 4:
            return "\(value(random.int(minimum...cycleMaximum - 1)))/\(random.int(1...max(1, span / 2)))"
        default:
            let low = random.int(minimum...cycleMaximum - 1)
            return "\(value(low))-\(value(random.int(low + 1...cycleMaximum)))"
        }
    }
}

/// SplitMix64: a small, fast, seeded pseudo-random sequence, the same on every platform.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    /// A sequence fixed by `seed`.
    init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// True with probability `probability`.
    mutating func chance(_ probability: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < probability }

    /// A uniformly random integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    /// A uniformly random element of the non-empty `elements`.
    mutating func element<T>(_ elements: [T]) -> T { elements[int(0...elements.count - 1)] }
}
