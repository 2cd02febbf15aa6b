import DMSCatalog
import DMSCommandLineInput
import DMSStructuredText

/// Compares a configuration object a document wants with the one the server shows, knowing that
/// the server shows every secret as `********` and so a secret can never be compared.
public enum ConfigComparison {
    /// How the two compare.
    public enum Outcome: Sendable, Equatable {
        /// Same keys, equal values (a `********` in the document keeps the stored secret: equal).
        case equal
        /// Equal except for secrets the server hides: the document's may or may not be new.
        case secretsOnly
        /// A key or a value that is not a secret differs.
        case different
    }

    /// Compares `desired` (the document's, secrets as plain values) with `actual` (the server's,
    /// secrets as `********`). A field only `actual` has counts as equal when its value is its
    /// entry in `defaults`: the server shows the spec's defaults filled in.
    /// Numbers compare by value (`1` equals `1.0`, see ``JSONValue/isEquivalent(to:)``).
    public static func compare(
        desired: [String: JSONValue], actual: [String: JSONValue], defaults: [String: JSONValue] = [:]
    ) -> Outcome {
        guard Set(desired.keys).isSubset(of: Set(actual.keys)) else { return .different }
        for (key, shown) in actual where desired[key] == nil {
            guard let fallback = defaults[key], fallback.isEquivalent(to: shown) else { return .different }
        }
        var outcome = Outcome.equal
        for (key, wanted) in desired {
            let shown = actual[key]!
            if RedactedValue.isPlaceholder(shown) {
                if !RedactedValue.isPlaceholder(wanted) { outcome = .secretsOnly }
            } else if !wanted.isEquivalent(to: shown) {
                return .different
            }
        }
        return outcome
    }
}
