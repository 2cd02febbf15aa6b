/// A SplitMix64 generator: small, fast and seeded, so a fuzz failure can be replayed from the seed
/// printed with it, and "random" bytes are the same on every run.
public struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64

    /// Creates a generator that always yields the same sequence for `seed`.
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// `count` random bytes.
    public mutating func bytes(count: Int) -> [UInt8] {
        (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &self) }
    }

    /// A random string of up to `maxLength` characters, some of them multi-byte.
    public mutating func string(maxLength: Int) -> String {
        // Mostly ASCII, with some multi-byte scalars so UTF-8 lengths differ from character counts.
        let alphabet: [Character] = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789./_-: ") + ["é", "ß", "日", "🙂"]
        let length = Int.random(in: 0...maxLength, using: &self)
        return String((0..<length).map { _ in alphabet.randomElement(using: &self)! })
    }
}
