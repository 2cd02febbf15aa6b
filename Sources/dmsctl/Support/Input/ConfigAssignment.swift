import DMSCatalog

/// One `--set key=value` (or `--set-string key=value`) of a configuration object.
///
/// The value is read as JSON when it parses as JSON — `5432`, `true`, `null`, `["a","b"]`,
/// `{"k":1}`, `"quoted"` — and taken as a plain string otherwise; `--set-string` always takes it
/// as a string. A whole number beyond 64 bits is refused rather than quietly taken as a string.
/// The key is taken literally: `a.b` sets the key `a.b`, not `b` inside `a`.
struct ConfigAssignment: Sendable, Equatable {
    /// The key set.
    var key: String
    /// The value it gets.
    var value: JSONValue

    /// Why a `--set` argument is not `key=value`.
    struct ParseError: Error, CustomStringConvertible {
        /// What is wrong; never repeats the value, which may be a secret.
        var description: String
    }

    /// Reads `text`; `forceString` is `--set-string`.
    static func parse(_ text: String, forceString: Bool = false) throws(ParseError) -> ConfigAssignment {
        let flag = forceString ? "--set-string" : "--set"
        guard let equals = text.firstIndex(of: "=") else {
            throw ParseError(description: "\(flag) expects key=value (no '=' in the argument)")
        }
        let key = String(text[..<equals])
        let raw = String(text[text.index(after: equals)...])
        guard !key.isEmpty else { throw ParseError(description: "\(flag) expects key=value (the key is empty)") }
        if forceString { return ConfigAssignment(key: key, value: .string(raw)) }
        if let value = try? JSONValue(parsing: raw) { return ConfigAssignment(key: key, value: value) }
        if JSONValue.isOversizedInteger(raw) {
            throw ParseError(
                description: "\(flag) \(key)=…: the integer does not fit in 64 bits; use --set-string to set it as a string")
        }
        return ConfigAssignment(key: key, value: .string(raw))
    }
}
