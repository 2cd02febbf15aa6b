/// One of the six fields of a cron expression, with the values and names it accepts.
enum CronField: Int, Sendable, CaseIterable {
    case second, minute, hour, dayOfMonth, month, dayOfWeek

    /// The field's name in error messages: `day of month`.
    var name: String {
        switch self {
        case .second: "second"
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day of month"
        case .month: "month"
        case .dayOfWeek: "day of week"
        }
    }

    /// The smallest value the field accepts.
    var minimum: Int {
        switch self {
        case .second, .minute, .hour, .dayOfWeek: 0
        case .dayOfMonth, .month: 1
        }
    }

    /// The largest value the field accepts (7 for the day of week: Sunday, like 0).
    var maximum: Int {
        switch self {
        case .second, .minute: 59
        case .hour: 23
        case .dayOfMonth: 31
        case .month: 12
        case .dayOfWeek: 7
        }
    }

    /// The last value of one cycle of the field: where `*/n` and `a/n` stop, and what a
    /// reversed range wraps after. The day of week's cycle is 0–6, Sunday to Saturday.
    var cycleMaximum: Int { self == .dayOfWeek ? 6 : maximum }

    /// How many values one cycle has: 60, 24, 31, 12 or 7.
    var cycleLength: Int { cycleMaximum - minimum + 1 }

    /// The names the field accepts, upper case, with their values: JAN–DEC, SUN–SAT.
    var names: [String: Int] {
        switch self {
        case .month: Self.monthNames
        case .dayOfWeek: Self.weekdayNames
        default: [:]
        }
    }

    private static let monthNames: [String: Int] = [
        "JAN": 1, "FEB": 2, "MAR": 3, "APR": 4, "MAY": 5, "JUN": 6,
        "JUL": 7, "AUG": 8, "SEP": 9, "OCT": 10, "NOV": 11, "DEC": 12,
    ]
    private static let weekdayNames: [String: Int] = [
        "SUN": 0, "MON": 1, "TUE": 2, "WED": 3, "THU": 4, "FRI": 5, "SAT": 6,
    ]

    /// Every value of the field, as a set (0–6 for the day of week: 7 is stored as 0).
    var all: CronValueSet { .range(minimum, cycleMaximum) }
}
