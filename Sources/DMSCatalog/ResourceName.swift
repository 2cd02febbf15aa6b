/// The rule for the names of Connections, Sources, Targets, Migration Jobs and Namespaces.
///
/// A valid name is 1 to 63 characters of `a`–`z`, `0`–`9` and `-`, starts with a letter and does
/// not end with `-` (a DNS label that starts with a letter): `orders-db`, `pg2`, `a`. Not valid:
/// `Orders` (upper case), `2pg` (starts with a digit), `orders-` (ends with `-`), `orders_db`
/// (underscore), the empty string, and anything of 64 characters or more.
public enum ResourceName {
    /// The longest valid name, in characters.
    public static let maxLength = 63

    /// Nil when `name` is valid, else the reason it is not, for people, e.g.
    /// `must start with a letter (a-z)`.
    public static func validate(_ name: String) -> String? {
        let scalars = name.unicodeScalars
        guard let first = scalars.first, let last = scalars.last else { return "must not be empty" }
        if scalars.count > maxLength { return "must be at most \(maxLength) characters long, got \(scalars.count)" }
        if let bad = scalars.first(where: { !isAllowed($0) }) {
            return "may contain only a-z, 0-9 and '-', found \(describe(bad))"
        }
        if !("a"..."z").contains(first) { return "must start with a letter (a-z)" }
        if last == "-" { return "must not end with '-'" }
        return nil
    }

    private static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
    }

    /// `'A'` for a visible ASCII character, `U+00E9` for anything else.
    private static func describe(_ scalar: Unicode.Scalar) -> String {
        if scalar.value > 0x20, scalar.value < 0x7F { return "'\(Character(scalar))'" }
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
