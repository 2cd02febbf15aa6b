import DMSCatalog
import DMSStructuredText

/// One `--set key=value` (or `--set-string key=value`) of a configuration object.
///
/// The value is read as JSON when it parses as JSON — `5432`, `true`, `null`, `["a","b"]`,
/// `{"k":1}`, `"quoted"` — and taken as a plain string otherwise; `--set-string` always takes it
/// as a string. A whole number beyond 64 bits is refused rather than quietly taken as a string.
/// The key is taken literally: `a.b` sets the key `a.b`, not `b` inside `a`.
public struct ConfigAssignment: Sendable, Equatable {
    /// The key set.
    public var key: String
    /// The value it gets.
    public var value: JSONValue

    /// The assignment of `value` to `key`.
    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }

    /// Why a `--set` argument is not `key=value`.
    public struct ParseError: Error, CustomStringConvertible {
        /// What is wrong; never repeats the value, which may be a secret.
        public var description: String
    }

    /// Reads `text`; `forceString` is `--set-string`.
    public static func parse(_ text: String, forceString: Bool = false) throws(ParseError) -> ConfigAssignment {
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
