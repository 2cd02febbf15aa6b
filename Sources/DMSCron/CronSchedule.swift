import Foundation

/// A cron schedule in a time zone: a valid cron expression and the instants it fires at.
///
/// ## Expressions
///
/// Five fields, `minute hour day-of-month month day-of-week`, or six with a leading `second`
/// field. Each field is `*`, a number, a range `a-b`, a step `*/n`, `a-b/n` or `a/n` (from `a` to
/// the end of the field), or a comma-separated list of those. Months may be named `JAN`–`DEC` and
/// days of the week `SUN`–`SAT`, in any case; Sunday is 0 or 7. A range whose start is after its
/// end wraps around (`FRI-MON`, `22-2` in the hour field), and a step continues across the wrap;
/// a range with equal ends is that one value.
/// `?` may stand for a whole day-of-month or day-of-week field and means `*`. The macros are
/// `@yearly` (= `@annually`, `0 0 1 1 *`), `@monthly`, `@weekly` (Sundays), `@daily`
/// (= `@midnight`) and `@hourly`. Quartz's `L`, `W` and `#` are refused.
///
/// When the day-of-month and day-of-week fields are both restricted, a day matches if either
/// matches (`0 0 13 * FRI` is every 13th and every Friday), as in Vixie cron; when one of them
/// allows every value (however it is written: `*`, `?`, `1-31`, `0-7`), only the other counts.
///
/// ## Time zones and daylight saving time
///
/// The fields are matched against the wall clock of the schedule's time zone. An instant is a
/// fire time when its wall-clock reading matches, so:
///
/// * **Fall back (a wall time occurs twice):** both occurrences fire. `30 2 * * *` in
///   Europe/Berlin fires at 02:30 CEST and again at 02:30 CET on the last Sunday of October;
///   `*/15 * * * *` keeps firing every 15 real minutes through the repeated hour.
/// * **Spring forward (wall times that do not exist):** if the hour field is restricted, a
///   schedule that matches any skipped wall time fires once, at the instant the clocks jump
///   (`30 2 * * *` in Europe/Berlin fires at 03:00 CEST on the last Sunday of March, so a daily
///   job is not lost; with a seconds field too, exactly at the jump); if the hour field allows
///   every hour, the skipped times are simply skipped (`30 * * * *` fires at 01:30 CET and then
///   03:30 CEST, an hour apart in real time).
///
/// These rules agree with croniter's `get_next` from a time-zone-aware start, except where
/// croniter is inconsistent: it sometimes fires an every-hour schedule at the jump (when its
/// search "for the other UTC offset" lands in the gap), and with seconds it fires at the jump
/// plus the matched second.
///
/// ## Searching
///
/// Fire times are found field by field on the wall clock, not minute by minute. A search looks at
/// most ``searchHorizonInYears`` years ahead, which covers any possible schedule (a 29 February
/// waits at most 8 years); schedules that can never fire (`0 0 30 2 *`) return no times at once.
public struct CronSchedule: Sendable, Hashable, CustomStringConvertible {
    /// How many years after the start a search for the next fire time looks.
    public static let searchHorizonInYears = 10

    /// The expression as it was given.
    public let expression: String
    /// The time zone whose wall clock the expression is matched against.
    public var timeZone: TimeZone { offsets.timeZone }
    /// True when the expression has a seconds field; otherwise every fire time is at second 0.
    public let hasSecondsField: Bool

    let fields: CronFields
    let offsets: ZoneOffsets

    /// The schedule of `expression` in the time zone with the IANA identifier `timeZone`
    /// (`Europe/Berlin`).
    ///
    /// - Throws: ``CronError`` saying where and why the expression is invalid, or that the time
    ///   zone is unknown (field `time zone`).
    public init(_ expression: String, timeZone: String = "UTC") throws(CronError) {
        guard let zone = TimeZone(identifier: timeZone) else {
            throw CronError(position: 0, field: "time zone", reason: "unknown time zone '\(timeZone)'")
        }
        try self.init(expression, timeZone: zone)
    }

    /// The schedule of `expression` in `timeZone`.
    ///
    /// - Throws: ``CronError`` saying where and why the expression is invalid.
    public init(_ expression: String, timeZone: TimeZone) throws(CronError) {
        (fields, hasSecondsField) = try CronParser.parse(expression)
        self.expression = expression
        offsets = ZoneOffsets(timeZone)
    }

    /// `expression (time zone)`, e.g. `0 3 * * * (Europe/Berlin)`.
    public var description: String { "\(expression) (\(timeZone.identifier))" }

    /// The first fire time strictly after `date`, or nil if there is none within
    /// ``searchHorizonInYears`` years (`0 0 30 2 *` never fires).
    public func next(after date: Date) -> Date? {
        nextFireTime(after: date.timeIntervalSince1970).map { Date(timeIntervalSince1970: Double($0)) }
    }

    /// Up to `count` fire times strictly after `date`, earliest first; fewer when the schedule
    /// runs out within the search horizon.
    public func next(_ count: Int, after date: Date) -> [Date] {
        var times: [Date] = []
        var last = date.timeIntervalSince1970
        while times.count < count, let time = nextFireTime(after: last) {
            times.append(Date(timeIntervalSince1970: Double(time)))
            last = Double(time)
        }
        return times
    }

    /// The fire times in `(from, through]`, earliest first, at most `limit` of them: the runs a
    /// scheduler missed while it was down.
    public func fireTimes(after from: Date, through: Date, limit: Int) -> [Date] {
        var times: [Date] = []
        var last = from.timeIntervalSince1970
        let end = through.timeIntervalSince1970
        while times.count < limit, let time = nextFireTime(after: last), Double(time) <= end {
            times.append(Date(timeIntervalSince1970: Double(time)))
            last = Double(time)
        }
        return times
    }
}
