/// Reads a cron expression into ``CronFields``, or says precisely where and why it is wrong.
///
/// The grammar (case-insensitive):
///
///     expression := macro | [second] minute hour day-of-month month day-of-week
///     field      := item ("," item)*
///     item       := "*" ["/" step] | value ["-" value] ["/" step] | "?"
///     value      := number | name
///
/// `a/n` means `a`, `a+n`, … up to the end of the field's cycle; `a-b` with `a` after `b` wraps
/// around the cycle (`FRI-MON`, `22-2`), and a step continues across the wrap (`50-10/15` is 50
/// and 5). `?` is the whole day-of-month or day-of-week field, and means `*`. `L`, `W` and `#`
/// are refused.
struct CronParser {
    /// The macros and what they stand for.
    static let macros: [(name: String, expression: String)] = [
        ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"), ("@monthly", "0 0 1 * *"),
        ("@weekly", "0 0 * * 0"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"),
        ("@hourly", "0 * * * *"),
    ]

    /// A run of characters of the expression and where it starts (0-based).
    private struct Token {
        var characters: ArraySlice<Character>
        var start: Int { characters.startIndex }
        var end: Int { characters.endIndex }
        var text: String { String(characters) }
    }

    private let characters: [Character]

    private init(_ expression: String) { characters = Array(expression) }

    /// The fields of `expression`, and whether it has a seconds field.
    static func parse(_ expression: String) throws(CronError) -> (fields: CronFields, hasSeconds: Bool) {
        try CronParser(expression).parse()
    }

    private func parse() throws(CronError) -> (fields: CronFields, hasSeconds: Bool) {
        let words = splitOnWhitespace()
        guard let first = words.first else {
            throw CronError(position: 1, field: nil, reason: "the expression is empty")
        }
        if first.characters.first == "@" { return (try expandMacro(first, followedBy: words.dropFirst()), false) }
        guard words.count == 5 || words.count == 6 else {
            let position = words.count > 6 ? words[6].start + 1 : characters.count + 1
            throw CronError(position: position, field: nil, reason: "expected 5 or 6 fields, found \(words.count)")
        }
        let kinds: [CronField] = words.count == 6
            ? [.second, .minute, .hour, .dayOfMonth, .month, .dayOfWeek]
            : [.minute, .hour, .dayOfMonth, .month, .dayOfWeek]
        var fields = CronFields()
        for (word, kind) in zip(words, kinds) {
            fields[kind] = try parseField(word, kind)
        }
        return (fields, words.count == 6)
    }

    private func splitOnWhitespace() -> [Token] {
        var tokens: [Token] = []
        var start: Int?
        for index in characters.indices {
            if characters[index].isWhitespace {
                if let begun = start { tokens.append(Token(characters: characters[begun..<index])) }
                start = nil
            } else if start == nil {
                start = index
            }
        }
        if let begun = start { tokens.append(Token(characters: characters[begun...])) }
        return tokens
    }

    private func expandMacro(_ word: Token, followedBy rest: ArraySlice<Token>) throws(CronError) -> CronFields {
        let name = word.text.lowercased()
        guard let macro = Self.macros.first(where: { $0.name == name }) else {
            let known = Self.macros.map(\.name).joined(separator: ", ")
            throw CronError(position: word.start + 1, field: nil, reason: "unknown macro \(word.text) (expected one of \(known))")
        }
        if let extra = rest.first {
            throw CronError(position: extra.start + 1, field: nil, reason: "unexpected '\(extra.text)' after \(macro.name)")
        }
        return try CronParser(macro.expression).parse().fields
    }

    // MARK: Fields

    private func parseField(_ word: Token, _ field: CronField) throws(CronError) -> CronValueSet {
        if word.characters.contains("?") {
            guard field == .dayOfMonth || field == .dayOfWeek else {
                throw error(at: word.characters.firstIndex(of: "?")!, field, "'?' is allowed only in the day-of-month and day-of-week fields")
            }
            guard word.characters.count == 1 else {
                throw error(at: word.characters.firstIndex(of: "?")!, field, "'?' must be the whole field")
            }
            return field.all
        }
        var values = CronValueSet()
        var itemStart = word.start
        for index in word.start...word.end where index == word.end || characters[index] == "," {
            let item = Token(characters: characters[itemStart..<index])
            guard !item.characters.isEmpty else { throw error(at: index, field, "empty list item") }
            try parseItem(item, field, into: &values)
            itemStart = index + 1
        }
        return values
    }

    private func parseItem(_ item: Token, _ field: CronField, into values: inout CronValueSet) throws(CronError) {
        var index = item.start
        let lower: Int
        var upper: Int?
        if characters[index] == "*" {
            lower = field.minimum
            upper = field.cycleMaximum
            index += 1
        } else {
            lower = try parseValue(at: &index, end: item.end, field)
            if index < item.end, characters[index] == "-" {
                index += 1
                guard index < item.end, characters[index] != "/" else {
                    throw error(at: index, field, "missing end of range after '-'")
                }
                upper = try parseValue(at: &index, end: item.end, field)
            }
        }
        var step: Int?
        if index < item.end, characters[index] == "/" {
            step = try parseStep(at: &index, end: item.end, field)
        }
        if index < item.end { throw unexpected(at: index, field) }
        insert(from: lower, through: upper ?? (step == nil ? lower : max(lower, field.cycleMaximum)), step: step ?? 1, field, into: &values)
    }

    /// Adds `lower`, `lower + step`, … through `upper`; when `lower` is after `upper`, wraps
    /// around the field's cycle.
    private func insert(from lower: Int, through upper: Int, step: Int, _ field: CronField, into values: inout CronValueSet) {
        var lower = lower, upper = upper
        if lower > upper, field == .dayOfWeek {
            lower %= 7
            upper %= 7
        }
        let wraps = lower > upper
        for value in stride(from: lower, through: wraps ? upper + field.cycleLength : upper, by: step) {
            let wrapped = wraps && value > field.cycleMaximum ? value - field.cycleLength : value
            values.insert(field == .dayOfWeek ? wrapped % 7 : wrapped)
        }
    }

    private func parseValue(at index: inout Int, end: Int, _ field: CronField) throws(CronError) -> Int {
        let start = index
        if characters[index].isASCII, characters[index].isNumber {
            var value = 0
            while index < end, characters[index].isASCII, characters[index].isNumber {
                value = min(value * 10 + characters[index].wholeNumberValue!, 1_000_000)
                index += 1
            }
            guard (field.minimum...field.maximum).contains(value) else {
                let shown = value >= 1_000_000 ? String(characters[start..<index]) : String(value)
                throw error(at: start, field, "\(shown) is out of range \(field.minimum)–\(field.maximum)")
            }
            return value
        }
        if characters[index].isASCII, characters[index].isLetter {
            while index < end, characters[index].isASCII, characters[index].isLetter { index += 1 }
            let word = String(characters[start..<index]).uppercased()
            if let value = field.names[word] { return value }
            if let unsupported = Self.unsupportedFeature(word) { throw error(at: start, field, unsupported) }
            switch field {
            case .month: throw error(at: start, field, "unknown month name '\(word)' (expected JAN–DEC)")
            case .dayOfWeek: throw error(at: start, field, "unknown day name '\(word)' (expected SUN–SAT)")
            default: throw error(at: start, field, "expected a number, found '\(String(characters[start..<index]))'")
            }
        }
        throw unexpected(at: index, field, expected: "a number")
    }

    private func parseStep(at index: inout Int, end: Int, _ field: CronField) throws(CronError) -> Int {
        index += 1
        let start = index
        var step = 0
        while index < end, characters[index].isASCII, characters[index].isNumber {
            step = min(step * 10 + characters[index].wholeNumberValue!, 1_000_000)
            index += 1
        }
        guard index > start else {
            if index < end { throw unexpected(at: index, field, expected: "a step (a number)") }
            throw error(at: index, field, "missing step after '/'")
        }
        guard step >= 1 else { throw error(at: start, field, "step must be at least 1") }
        guard step <= field.cycleLength else {
            let shown = step >= 1_000_000 ? String(characters[start..<index]) : String(step)
            throw error(at: start, field, "step \(shown) is larger than the field's \(field.cycleLength) values")
        }
        return step
    }

    // MARK: Errors

    private func error(at index: Int, _ field: CronField, _ reason: String) -> CronError {
        CronError(position: index + 1, field: field.name, reason: reason)
    }

    private func unexpected(at index: Int, _ field: CronField, expected: String? = nil) -> CronError {
        let character = characters[index]
        if let unsupported = Self.unsupportedFeature(String(character).uppercased()) {
            return error(at: index, field, unsupported)
        }
        let found = "'\(character)'"
        return error(at: index, field, expected.map { "expected \($0), found \(found)" } ?? "unexpected \(found)")
    }

    /// The message for the Quartz extensions this parser does not support.
    private static func unsupportedFeature(_ word: String) -> String? {
        switch word {
        case "L": "'L' (last day of the month or last weekday) is not supported"
        case "W": "'W' (nearest weekday) is not supported"
        case "LW": "'LW' (last weekday of the month) is not supported"
        case "#": "'#' (nth weekday of the month) is not supported"
        default: nil
        }
    }
}
