import DMSCron
import Testing

/// Invalid expressions are refused with the position, field and reason of the first problem.
@Suite struct CronErrorTests {
    struct Bad: Sendable, CustomTestStringConvertible {
        var expression: String
        var position: Int
        var field: String?
        var reason: String
        var testDescription: String { "'\(expression)'" }

        init(_ expression: String, _ position: Int, _ field: String?, _ reason: String) {
            (self.expression, self.position, self.field, self.reason) = (expression, position, field, reason)
        }
    }

    static let macros = "@yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly"

    @Test(arguments: [
        Bad("", 1, nil, "the expression is empty"),
        Bad(" \t ", 1, nil, "the expression is empty"),
        Bad("* * * *", 8, nil, "expected 5 or 6 fields, found 4"),
        Bad("*", 2, nil, "expected 5 or 6 fields, found 1"),
        Bad("0 0 * * * * 2024", 13, nil, "expected 5 or 6 fields, found 7"),
        Bad("@often", 1, nil, "unknown macro @often (expected one of \(macros))"),
        Bad("@", 1, nil, "unknown macro @ (expected one of \(macros))"),
        Bad("@daily 5", 8, nil, "unexpected '5' after @daily"),
        Bad("60 * * * *", 1, "minute", "60 is out of range 0–59"),
        Bad("0 24 * * *", 3, "hour", "24 is out of range 0–23"),
        Bad("0 0 0 * *", 5, "day of month", "0 is out of range 1–31"),
        Bad("0 0 32 * *", 5, "day of month", "32 is out of range 1–31"),
        Bad("0 0 * 13 *", 7, "month", "13 is out of range 1–12"),
        Bad("0 0 * 0 *", 7, "month", "0 is out of range 1–12"),
        Bad("0 0 * * 8", 9, "day of week", "8 is out of range 0–7"),
        Bad("60 0 0 * * *", 1, "second", "60 is out of range 0–59"),
        Bad("0 0 1-40 * *", 7, "day of month", "40 is out of range 1–31"),
        Bad("99999999999999999999 * * * *", 1, "minute", "99999999999999999999 is out of range 0–59"),
        Bad("*/0 * * * *", 3, "minute", "step must be at least 1"),
        Bad("*/ * * * *", 3, "minute", "missing step after '/'"),
        Bad("5/ * * * *", 3, "minute", "missing step after '/'"),
        Bad("0 0 * * 1/x", 11, "day of week", "expected a step (a number), found 'x'"),
        Bad("*/61 * * * *", 3, "minute", "step 61 is larger than the field's 60 values"),
        Bad("0 */25 * * *", 5, "hour", "step 25 is larger than the field's 24 values"),
        Bad("*/2/3 * * * *", 4, "minute", "unexpected '/'"),
        Bad("5- * * * *", 3, "minute", "missing end of range after '-'"),
        Bad("5-/2 * * * *", 3, "minute", "missing end of range after '-'"),
        Bad("-5 * * * *", 1, "minute", "expected a number, found '-'"),
        Bad("*-5 * * * *", 2, "minute", "unexpected '-'"),
        Bad("0 0 1-2-3 * *", 8, "day of month", "unexpected '-'"),
        Bad("5x * * * *", 2, "minute", "unexpected 'x'"),
        Bad("1,,2 * * * *", 3, "minute", "empty list item"),
        Bad("1, * * * *", 3, "minute", "empty list item"),
        Bad(",1 * * * *", 1, "minute", "empty list item"),
        Bad("0 0 * FOO *", 7, "month", "unknown month name 'FOO' (expected JAN–DEC)"),
        Bad("0 0 * JANUARY *", 7, "month", "unknown month name 'JANUARY' (expected JAN–DEC)"),
        Bad("0 0 * * FUN", 9, "day of week", "unknown day name 'FUN' (expected SUN–SAT)"),
        Bad("0 0 * * MON-FOO", 13, "day of week", "unknown day name 'FOO' (expected SUN–SAT)"),
        Bad("0 MON * * *", 3, "hour", "expected a number, found 'MON'"),
        Bad("0 0 JAN * *", 5, "day of month", "expected a number, found 'JAN'"),
        Bad("0 0 L * *", 5, "day of month", "'L' (last day of the month or last weekday) is not supported"),
        Bad("0 0 * * 5L", 10, "day of week", "'L' (last day of the month or last weekday) is not supported"),
        Bad("0 0 15W * *", 7, "day of month", "'W' (nearest weekday) is not supported"),
        Bad("0 0 LW * *", 5, "day of month", "'LW' (last weekday of the month) is not supported"),
        Bad("0 0 * * 5#3", 10, "day of week", "'#' (nth weekday of the month) is not supported"),
        Bad("? * * * *", 1, "minute", "'?' is allowed only in the day-of-month and day-of-week fields"),
        Bad("0 0 ?,1 * *", 5, "day of month", "'?' must be the whole field"),
        Bad("０ * * * *", 1, "minute", "expected a number, found '０'"),
        Bad("é * * * * * *", 13, nil, "expected 5 or 6 fields, found 7"),
        Bad("0 é * * *", 3, "hour", "expected a number, found 'é'"),
    ])
    func badExpressionsAreRefusedPrecisely(bad: Bad) {
        #expect {
            try CronSchedule(bad.expression)
        } throws: { error in
            guard let error = error as? CronError else { return false }
            #expect(error.position == bad.position)
            #expect(error.field == bad.field)
            #expect(error.reason == bad.reason)
            return true
        }
    }

    @Test func theDescriptionNamesPositionFieldAndReason() throws {
        let outOfRange = #expect(throws: CronError.self) { try CronSchedule("0 25 * * *") }
        #expect(outOfRange?.description == "position 3 (hour): 25 is out of range 0–23")
        let fieldCount = #expect(throws: CronError.self) { try CronSchedule("* * *") }
        #expect(fieldCount?.description == "position 6: expected 5 or 6 fields, found 3")
    }

    @Test func anUnknownTimeZoneIsRefused() throws {
        let error = #expect(throws: CronError.self) { try CronSchedule("0 3 * * *", timeZone: "Mars/Olympus_Mons") }
        #expect(error == CronError(position: 0, field: "time zone", reason: "unknown time zone 'Mars/Olympus_Mons'"))
        #expect(error?.description == "time zone: unknown time zone 'Mars/Olympus_Mons'")
        #expect(throws: CronError.self) { try CronSchedule("0 3 * * *", timeZone: "") }
    }

    @Test func theTimeZoneIsCheckedBeforeTheExpression() {
        let error = #expect(throws: CronError.self) { try CronSchedule("bad", timeZone: "Nowhere/Land") }
        #expect(error?.field == "time zone")
    }
}
