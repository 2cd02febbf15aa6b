import DMSCatalog

/// One-line descriptions of JSON syntax errors for people editing the text: where, by line and
/// column, and what (`line 3, column 7: unexpected '}', expected a string key after ','`).
public enum JSONErrorText {
    /// `error` (from ``JSONValue/init(parsing:maxDepth:)`` on `text`) with its offset turned into a
    /// 1-based line and column (columns count characters as code points).
    public static func describe(_ error: CatalogError, in text: String) -> String {
        guard let offset = error.offset else { return error.message }
        let prefix = "at offset \(offset): "
        let problem = error.message.hasPrefix(prefix) ? String(error.message.dropFirst(prefix.count)) : error.message
        var line = 1
        var column = 1
        for scalar in text.unicodeScalars.prefix(offset) {
            if scalar == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return "line \(line), column \(column): \(problem)"
    }
}
