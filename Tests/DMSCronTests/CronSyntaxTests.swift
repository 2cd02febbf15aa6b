import DMSCron
import Foundation
import Testing

/// Every syntax form, with the exact fire times it gives in UTC after Monday 2024-01-01 00:00.
@Suite struct CronSyntaxTests {
    static let start = "2024-01-01T00:00:00Z"

    static func firstTimes(_ expression: String, _ count: Int = 4, after start: String = start) throws -> [String] {
        try CronSchedule(expression).next(count, after: start)
    }

    @Test(arguments: [
        ("* * * * *", ["2024-01-01T00:01:00+00:00", "2024-01-01T00:02:00+00:00", "2024-01-01T00:03:00+00:00"]),
        ("5 * * * *", ["2024-01-01T00:05:00+00:00", "2024-01-01T01:05:00+00:00", "2024-01-01T02:05:00+00:00"]),
        ("1,2,30 * * * *", ["2024-01-01T00:01:00+00:00", "2024-01-01T00:02:00+00:00", "2024-01-01T00:30:00+00:00"]),
        ("10-12 * * * *", ["2024-01-01T00:10:00+00:00", "2024-01-01T00:11:00+00:00", "2024-01-01T00:12:00+00:00"]),
        ("*/20 * * * *", ["2024-01-01T00:20:00+00:00", "2024-01-01T00:40:00+00:00", "2024-01-01T01:00:00+00:00"]),
        ("10-40/15 * * * *", ["2024-01-01T00:10:00+00:00", "2024-01-01T00:25:00+00:00", "2024-01-01T00:40:00+00:00"]),
        ("50/5 * * * *", ["2024-01-01T00:50:00+00:00", "2024-01-01T00:55:00+00:00", "2024-01-01T01:50:00+00:00"]),
        ("0,30 9-10 * * *", ["2024-01-01T09:00:00+00:00", "2024-01-01T09:30:00+00:00", "2024-01-01T10:00:00+00:00"]),
        ("0 12 2,15 * *", ["2024-01-02T12:00:00+00:00", "2024-01-15T12:00:00+00:00", "2024-02-02T12:00:00+00:00"]),
        ("0 0 1 */5 *", ["2024-06-01T00:00:00+00:00", "2024-11-01T00:00:00+00:00", "2025-01-01T00:00:00+00:00"]),
        ("0 0 1 1 *", ["2025-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00", "2027-01-01T00:00:00+00:00"]),
        ("0 0 * * 1-5/2", ["2024-01-03T00:00:00+00:00", "2024-01-05T00:00:00+00:00", "2024-01-08T00:00:00+00:00"]),
        ("0 0 * * 2/3", ["2024-01-02T00:00:00+00:00", "2024-01-05T00:00:00+00:00", "2024-01-09T00:00:00+00:00"]),
    ])
    func numbersListsRangesAndSteps(expression: String, expected: [String]) throws {
        #expect(try Self.firstTimes(expression, 3) == expected)
    }

    @Test(arguments: [
        ("0 0 1 jan-Mar/2 *", ["2024-03-01T00:00:00+00:00", "2025-01-01T00:00:00+00:00"]),
        ("0 0 1 JUN,dec *", ["2024-06-01T00:00:00+00:00", "2024-12-01T00:00:00+00:00"]),
        ("0 0 1 Feb/4 *", ["2024-02-01T00:00:00+00:00", "2024-06-01T00:00:00+00:00"]),
        ("0 0 * * mon,Wed", ["2024-01-03T00:00:00+00:00", "2024-01-08T00:00:00+00:00"]),
        ("0 0 * * TUE-thu", ["2024-01-02T00:00:00+00:00", "2024-01-03T00:00:00+00:00"]),
    ])
    func monthAndWeekdayNamesInAnyCase(expression: String, expected: [String]) throws {
        #expect(try Self.firstTimes(expression, 2) == expected)
    }

    @Test func sundayIsZeroOrSeven() throws {
        let sundays = ["2024-01-07T00:00:00+00:00", "2024-01-14T00:00:00+00:00"]
        #expect(try Self.firstTimes("0 0 * * 0", 2) == sundays)
        #expect(try Self.firstTimes("0 0 * * 7", 2) == sundays)
        #expect(try Self.firstTimes("0 0 * * SUN", 2) == sundays)
        #expect(try Self.firstTimes("0 0 * * 6-7", 3) == ["2024-01-06T00:00:00+00:00", "2024-01-07T00:00:00+00:00", "2024-01-13T00:00:00+00:00"])
        #expect(try Self.firstTimes("0 0 * * 5-0", 3) == ["2024-01-05T00:00:00+00:00", "2024-01-06T00:00:00+00:00", "2024-01-07T00:00:00+00:00"])
        #expect(try Self.firstTimes("0 0 * * 0-7", 2) == ["2024-01-02T00:00:00+00:00", "2024-01-03T00:00:00+00:00"])
    }

    @Test func reversedRangesWrapAroundAndStepsContinueAcrossTheWrap() throws {
        #expect(try Self.firstTimes("0 22-1 * * *") == [
            "2024-01-01T01:00:00+00:00", "2024-01-01T22:00:00+00:00", "2024-01-01T23:00:00+00:00", "2024-01-02T00:00:00+00:00",
        ])
        #expect(try Self.firstTimes("0 0 * * FRI-MON") == [
            "2024-01-05T00:00:00+00:00", "2024-01-06T00:00:00+00:00", "2024-01-07T00:00:00+00:00", "2024-01-08T00:00:00+00:00",
        ])
        // 50, 65 = 5: the step runs on past the end of the hour (croniter gives 50 and 6).
        #expect(try Self.firstTimes("50-10/15 * * * *", 3) == ["2024-01-01T00:05:00+00:00", "2024-01-01T00:50:00+00:00", "2024-01-01T01:05:00+00:00"])
        #expect(try Self.firstTimes("0 0 30-2 * *", 4) == [
            "2024-01-02T00:00:00+00:00", "2024-01-30T00:00:00+00:00", "2024-01-31T00:00:00+00:00", "2024-02-01T00:00:00+00:00",
        ])
        #expect(try Self.firstTimes("0 0 1 NOV-FEB *", 4) == [
            "2024-02-01T00:00:00+00:00", "2024-11-01T00:00:00+00:00", "2024-12-01T00:00:00+00:00", "2025-01-01T00:00:00+00:00",
        ])
    }

    @Test func aRangeWithEqualEndsIsThatOneValue() throws {
        // croniter reads `5-5` (and `23/4`, which it makes `23-23/4`) as the whole cycle.
        #expect(try Self.firstTimes("5-5 * * * *", 2) == ["2024-01-01T00:05:00+00:00", "2024-01-01T01:05:00+00:00"])
        #expect(try Self.firstTimes("0 23/4 * * *", 2) == ["2024-01-01T23:00:00+00:00", "2024-01-02T23:00:00+00:00"])
        #expect(try Self.firstTimes("0 0 1 DEC/2 *", 2) == ["2024-12-01T00:00:00+00:00", "2025-12-01T00:00:00+00:00"])
    }

    @Test func questionMarkMeansEveryDay() throws {
        #expect(try Self.firstTimes("0 0 ? * MON", 2) == ["2024-01-08T00:00:00+00:00", "2024-01-15T00:00:00+00:00"])
        #expect(try Self.firstTimes("0 0 15 * ?", 2) == ["2024-01-15T00:00:00+00:00", "2024-02-15T00:00:00+00:00"])
    }

    @Test(arguments: [
        ("@hourly", ["2024-01-01T01:00:00+00:00", "2024-01-01T02:00:00+00:00"]),
        ("@daily", ["2024-01-02T00:00:00+00:00", "2024-01-03T00:00:00+00:00"]),
        ("@midnight", ["2024-01-02T00:00:00+00:00", "2024-01-03T00:00:00+00:00"]),
        ("@weekly", ["2024-01-07T00:00:00+00:00", "2024-01-14T00:00:00+00:00"]),
        ("@monthly", ["2024-02-01T00:00:00+00:00", "2024-03-01T00:00:00+00:00"]),
        ("@yearly", ["2025-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00"]),
        ("@annually", ["2025-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00"]),
        ("@Daily", ["2024-01-02T00:00:00+00:00", "2024-01-03T00:00:00+00:00"]),
        ("  @HOURLY  ", ["2024-01-01T01:00:00+00:00", "2024-01-01T02:00:00+00:00"]),
    ])
    func macros(expression: String, expected: [String]) throws {
        #expect(try Self.firstTimes(expression, 2) == expected)
    }

    @Test func aSixthFieldAtTheFrontIsTheSecond() throws {
        #expect(try Self.firstTimes("*/15 * * * * *", 3) == ["2024-01-01T00:00:15+00:00", "2024-01-01T00:00:30+00:00", "2024-01-01T00:00:45+00:00"])
        #expect(try Self.firstTimes("30 0 12 * * *", 2) == ["2024-01-01T12:00:30+00:00", "2024-01-02T12:00:30+00:00"])
        #expect(try Self.firstTimes("0 0 0 * * MON", 2) == ["2024-01-08T00:00:00+00:00", "2024-01-15T00:00:00+00:00"])
        #expect(try CronSchedule("5 * * * * *").hasSecondsField)
        #expect(try !CronSchedule("5 * * * *").hasSecondsField)
    }

    @Test func fiveFieldsFireOnTheMinuteAndEveryTimeIsStrictlyAfterTheStart() throws {
        #expect(try Self.firstTimes("* * * * *", 1, after: "2024-01-01T00:00:30Z") == ["2024-01-01T00:01:00+00:00"])
        #expect(try Self.firstTimes("* * * * *", 1, after: "2024-01-01T00:00:59.999Z") == ["2024-01-01T00:01:00+00:00"])
        #expect(try Self.firstTimes("* * * * * *", 1, after: "2024-01-01T00:00:59.5Z") == ["2024-01-01T00:01:00+00:00"])
        #expect(try Self.firstTimes("0 12 * * *", 1, after: "2024-01-01T12:00:00Z") == ["2024-01-02T12:00:00+00:00"])
        #expect(try Self.firstTimes("0 12 * * *", 1, after: "2024-01-01T11:59:59Z") == ["2024-01-01T12:00:00+00:00"])
    }

    @Test func whitespaceBetweenFieldsIsAnyRunOfSpacesAndTabs() throws {
        #expect(try Self.firstTimes(" 0\t12   * *  MON ", 1) == ["2024-01-01T12:00:00+00:00"])
    }
}
