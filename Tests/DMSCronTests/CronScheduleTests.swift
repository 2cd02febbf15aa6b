import DMSCron
import Foundation
import Testing

/// Days of month and week together, leap years, month ends, schedules that never fire, and the
/// shape of the API.
@Suite struct CronScheduleTests {
    static func times(_ expression: String, _ count: Int, after start: String, timeZone: String = "UTC") throws -> [String] {
        try CronSchedule(expression, timeZone: timeZone).next(count, after: start)
    }

    // MARK: Day of month and day of week

    @Test func whenBothDayFieldsAreRestrictedEitherMatches() throws {
        // Friday the 5th and 12th, Saturday the 13th, Friday the 19th.
        #expect(try Self.times("0 0 13 * FRI", 4, after: "2024-01-01T00:00:00Z") == [
            "2024-01-05T00:00:00+00:00", "2024-01-12T00:00:00+00:00", "2024-01-13T00:00:00+00:00", "2024-01-19T00:00:00+00:00",
        ])
        #expect(try Self.times("0 0 1,15 * SAT", 3, after: "2024-01-01T00:00:00Z") == [
            "2024-01-06T00:00:00+00:00", "2024-01-13T00:00:00+00:00", "2024-01-15T00:00:00+00:00",
        ])
    }

    @Test func whenOneDayFieldIsUnrestrictedOnlyTheOtherCounts() throws {
        #expect(try Self.times("0 0 13 * *", 2, after: "2024-01-01T00:00:00Z") == ["2024-01-13T00:00:00+00:00", "2024-02-13T00:00:00+00:00"])
        #expect(try Self.times("0 0 * * FRI", 2, after: "2024-01-01T00:00:00Z") == ["2024-01-05T00:00:00+00:00", "2024-01-12T00:00:00+00:00"])
    }

    @Test func aDayFieldThatAllowsEveryDayIsUnrestrictedHoweverItIsWritten() throws {
        let mondays = ["2024-01-08T00:00:00+00:00", "2024-01-15T00:00:00+00:00"]
        // croniter: every day (1-31 OR Monday), because MON has no `*` in it.
        #expect(try Self.times("0 0 1-31 * MON", 2, after: "2024-01-01T00:00:00Z") == mondays)
        #expect(try Self.times("0 0 */1 * MON", 2, after: "2024-01-01T00:00:00Z") == mondays)
        let oddDays = ["2024-01-03T00:00:00+00:00", "2024-01-05T00:00:00+00:00"]
        #expect(try Self.times("0 0 */2 * 0-7", 2, after: "2024-01-01T00:00:00Z") == oddDays)
        #expect(try Self.times("0 0 */2 * SUN-SAT", 2, after: "2024-01-01T00:00:00Z") == oddDays)
    }

    @Test func anImpossibleDayOfMonthStillLetsTheDayOfWeekMatch() throws {
        // croniter gives up (CroniterBadDateError) here.
        #expect(try Self.times("0 0 30 2 MON", 3, after: "2024-01-01T00:00:00Z") == [
            "2024-02-05T00:00:00+00:00", "2024-02-12T00:00:00+00:00", "2024-02-19T00:00:00+00:00",
        ])
    }

    // MARK: Calendar

    @Test func february29thFiresInLeapYearsOnly() throws {
        #expect(try Self.times("0 0 29 2 *", 3, after: "2024-03-01T00:00:00Z") == [
            "2028-02-29T00:00:00+00:00", "2032-02-29T00:00:00+00:00", "2036-02-29T00:00:00+00:00",
        ])
        // 2100 is not a leap year: eight years from 2096 to 2104, still within the horizon.
        #expect(try Self.times("0 0 29 2 *", 2, after: "2096-03-01T00:00:00Z") == ["2104-02-29T00:00:00+00:00", "2108-02-29T00:00:00+00:00"])
        #expect(try Self.times("0 0 29 2 *", 1, after: "2000-01-01T00:00:00Z") == ["2000-02-29T00:00:00+00:00"])
    }

    @Test func theThirtyFirstSkipsShorterMonths() throws {
        #expect(try Self.times("0 0 31 * *", 4, after: "2024-01-01T00:00:00Z") == [
            "2024-01-31T00:00:00+00:00", "2024-03-31T00:00:00+00:00", "2024-05-31T00:00:00+00:00", "2024-07-31T00:00:00+00:00",
        ])
        #expect(try Self.times("59 23 28-31 2 *", 3, after: "2023-01-01T00:00:00Z") == [
            "2023-02-28T23:59:00+00:00", "2024-02-28T23:59:00+00:00", "2024-02-29T23:59:00+00:00",
        ])
    }

    @Test func yearAndMonthEndsRollOver() throws {
        #expect(try Self.times("*/30 * * * * *", 3, after: "2024-12-31T23:59:00Z") == [
            "2024-12-31T23:59:30+00:00", "2025-01-01T00:00:00+00:00", "2025-01-01T00:00:30+00:00",
        ])
    }

    @Test(arguments: ["0 0 30 2 *", "0 0 31 2,4,6,9,11 *", "0 0 31 APR *", "* * * 30 FEB ?"])
    func aScheduleThatCanNeverFireHasNoFireTimes(expression: String) throws {
        let schedule = try CronSchedule(expression)
        let start = ISO.date("2024-01-01T00:00:00Z")
        #expect(schedule.next(after: start) == nil)
        #expect(schedule.next(3, after: start).isEmpty)
        #expect(schedule.fireTimes(after: start, through: ISO.date("2034-01-01T00:00:00Z"), limit: 10).isEmpty)
    }

    // MARK: API

    @Test func fireTimesAreThoseAfterTheStartThroughTheEndUpToTheLimit() throws {
        let hourly = try CronSchedule("0 * * * *")
        let from = ISO.date("2024-01-01T00:00:00Z"), through = ISO.date("2024-01-01T03:00:00Z")
        let all = hourly.fireTimes(after: from, through: through, limit: 100).map { ISO.string($0, in: hourly.timeZone) }
        #expect(all == ["2024-01-01T01:00:00+00:00", "2024-01-01T02:00:00+00:00", "2024-01-01T03:00:00+00:00"])
        #expect(hourly.fireTimes(after: from, through: through, limit: 2).count == 2)
        #expect(hourly.fireTimes(after: from, through: from, limit: 10).isEmpty)
        #expect(hourly.fireTimes(after: through, through: from, limit: 10).isEmpty)
        #expect(hourly.next(0, after: from).isEmpty)
    }

    @Test func aScheduleKeepsItsExpressionAndZoneAndComparesByThem() throws {
        let schedule = try CronSchedule("0 3 * * *", timeZone: "Europe/Berlin")
        #expect(schedule.expression == "0 3 * * *")
        #expect(schedule.timeZone.identifier == "Europe/Berlin")
        #expect(schedule.description == "0 3 * * * (Europe/Berlin)")
        #expect(try CronSchedule("0 3 * * *") == CronSchedule("0 3 * * *", timeZone: "UTC"))
        #expect(try schedule != CronSchedule("0 3 * * *"))
        #expect(try Set([schedule, CronSchedule("0 3 * * *", timeZone: "Europe/Berlin")]).count == 1)
    }

    @Test func aFixedOffsetZoneShiftsEveryFireTime() throws {
        #expect(try Self.times("0 9 * * *", 2, after: "2024-01-01T00:00:00Z", timeZone: "Asia/Kolkata") == [
            "2024-01-01T09:00:00+05:30", "2024-01-02T09:00:00+05:30",
        ])
        #expect(try Self.times("0 9 * * *", 1, after: "2024-01-01T00:00:00Z", timeZone: "Asia/Kathmandu") == ["2024-01-01T09:00:00+05:45"])
    }

    @Test func manySchedulesFindTheirNextFireTimeQuickly() throws {
        // The scheduler asks this of every job; field skipping keeps it far from minute-by-minute.
        var random = SeededRandom(seed: 7)
        var generator = CronExpressionGenerator(seed: 7)
        let zones = ["UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe"]
        let schedules = try (0..<10_000).map { _ in try CronSchedule(generator.next(), timeZone: random.element(zones)) }
        let start = ISO.date("2024-03-30T12:00:00Z")
        let clock = ContinuousClock()
        var found = 0
        let elapsed = clock.measure {
            for schedule in schedules where schedule.next(after: start) != nil { found += 1 }
        }
        #expect(found > 9_000)
        #expect(elapsed < .seconds(10), "10,000 next(after:) took \(elapsed)")
    }
}
