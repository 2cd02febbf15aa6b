/// Plain-text layouts for `-o table`: columns padded to their widest cell, two spaces apart.
public enum TextTable {
    /// Upper-case `headers` over `rows`, each column as wide as its widest cell.
    ///
    /// ```
    /// NAME   SERVER
    /// local  127.0.0.1:7443
    /// ```
    public static func columns(_ headers: [String], _ rows: [[String]]) -> String {
        aligned([headers.map { $0.uppercased() }] + rows)
    }

    /// One `KEY  value` line per pair, the values aligned.
    ///
    /// ```
    /// STATUS        SERVING
    /// ACTIVE CALLS  1
    /// ```
    public static func keyValues(_ pairs: [(key: String, value: String)]) -> String {
        aligned(pairs.map { [$0.key.uppercased(), $0.value] })
    }

    private static func aligned(_ rows: [[String]]) -> String {
        guard !rows.isEmpty else { return "" }
        let columnCount = rows.map(\.count).max() ?? 0
        let widths = (0..<columnCount).map { column in
            rows.map { column < $0.count ? $0[column].count : 0 }.max() ?? 0
        }
        return rows.map { row in
            let line = row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column] + 2, withPad: " ", startingAt: 0)
            }.joined()
            return String(line.reversed().drop { $0 == " " }.reversed())  // an empty last cell leaves no trailing blanks
        }.joined(separator: "\n") + "\n"
    }
}
