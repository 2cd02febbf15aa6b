/// Token lifetimes as people write them: `3600`, `90s`, `15m`, `12h`, `30d`.
public enum TimeToLive {
    /// The number of seconds `text` means, or `nil` when it is not a positive duration.
    public static func seconds(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3_600, "d": 86_400]
        var digits = Substring(text)
        var multiplier: Int64 = 1
        if let last = text.last, let unit = units[last] {
            digits = text.dropLast()
            multiplier = unit
        }
        guard let count = Int64(digits), count > 0 else { return nil }
        let (product, overflow) = count.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }
}
