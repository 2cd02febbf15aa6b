import DMSCron
import Foundation
import Testing

/// The daylight-saving rules (see ``CronSchedule``): in a fall-back overlap both occurrences of
/// a wall time fire; in a spring-forward gap a restricted-hour schedule fires once at the jump
/// and an every-hour schedule skips the missing times.
@Suite struct CronDaylightSavingTests {
    static func times(_ expression: String, _ timeZone: String, _ count: Int, after start: String) throws -> [String] {
        try CronSchedule(expression, timeZone: timeZone).next(count, after: start)
    }

    // MARK: Europe/Berlin: 2024-03-31 02:00 CET → 03:00 CEST; 2024-10-27 03:00 CEST → 02:00 CET

    @Test func berlinSpringForwardFiresADailyJobAtTheJump() throws {
        #expect(try Self.times("30 2 * * *", "Europe/Berlin", 3, after: "2024-03-30T12:00:00+01:00") == [
            "2024-03-31T03:00:00+02:00", "2024-04-01T02:30:00+02:00", "2024-04-02T02:30:00+02:00",
        ])
        // Several skipped times collapse into one run; 03:00 itself is the same instant.
        #expect(try Self.times("*/20 2-3 * * *", "Europe/Berlin", 3, after: "2024-03-31T00:00:00+01:00") == [
            "2024-03-31T03:00:00+02:00", "2024-03-31T03:20:00+02:00", "2024-03-31T03:40:00+02:00",
        ])
        #expect(try Self.times("0 3 * * *", "Europe/Berlin", 1, after: "2024-03-31T00:00:00+01:00") == ["2024-03-31T03:00:00+02:00"])
    }

    @Test func berlinSpringForwardSkipsTheMissingHourOfAnEveryHourJob() throws {
        #expect(try Self.times("30 * * * *", "Europe/Berlin", 3, after: "2024-03-31T00:45:00+01:00") == [
            "2024-03-31T01:30:00+01:00", "2024-03-31T03:30:00+02:00", "2024-03-31T04:30:00+02:00",
        ])
        // croniter fires at 03:00 after 01:50 here (its "alternative" lands in the gap).
        #expect(try Self.times("19,50 * * * *", "Europe/Berlin", 3, after: "2024-03-31T01:40:00+01:00") == [
            "2024-03-31T01:50:00+01:00", "2024-03-31T03:19:00+02:00", "2024-03-31T03:50:00+02:00",
        ])
    }

    @Test func berlinFallBackFiresBothOccurrences() throws {
        #expect(try Self.times("30 2 * * *", "Europe/Berlin", 3, after: "2024-10-26T12:00:00+02:00") == [
            "2024-10-27T02:30:00+02:00", "2024-10-27T02:30:00+01:00", "2024-10-28T02:30:00+01:00",
        ])
        #expect(try Self.times("*/20 * * * *", "Europe/Berlin", 7, after: "2024-10-27T01:50:00+02:00") == [
            "2024-10-27T02:00:00+02:00", "2024-10-27T02:20:00+02:00", "2024-10-27T02:40:00+02:00",
            "2024-10-27T02:00:00+01:00", "2024-10-27T02:20:00+01:00", "2024-10-27T02:40:00+01:00",
            "2024-10-27T03:00:00+01:00",
        ])
    }

    @Test func berlinFallBackFromInsideTheOverlap() throws {
        // From the second 02:10, the second 02:30 is next.
        #expect(try Self.times("30 2 * * *", "Europe/Berlin", 1, after: "2024-10-27T02:10:00+01:00") == ["2024-10-27T02:30:00+01:00"])
        // From the first 02:40, the second 02:15 is later in time though earlier on the clock.
        #expect(try Self.times("15 2 * * *", "Europe/Berlin", 2, after: "2024-10-27T02:40:00+02:00") == [
            "2024-10-27T02:15:00+01:00", "2024-10-28T02:15:00+01:00",
        ])
    }

    // MARK: America/New_York: 2024-03-10 02:00 EST → 03:00 EDT; 2024-11-03 02:00 EDT → 01:00 EST

    @Test func newYorkGapAndOverlap() throws {
        #expect(try Self.times("30 2 * * *", "America/New_York", 2, after: "2024-03-09T12:00:00-05:00") == [
            "2024-03-10T03:00:00-04:00", "2024-03-11T02:30:00-04:00",
        ])
        #expect(try Self.times("30 1 * * *", "America/New_York", 3, after: "2024-11-02T12:00:00-04:00") == [
            "2024-11-03T01:30:00-04:00", "2024-11-03T01:30:00-05:00", "2024-11-04T01:30:00-05:00",
        ])
    }

    @Test func aSecondsScheduleInTheGapFiresAtTheJumpItself() throws {
        // croniter fires at 03:00:15 here.
        #expect(try Self.times("15 30 2 * * *", "America/New_York", 2, after: "2024-03-09T12:00:00-05:00") == [
            "2024-03-10T03:00:00-04:00", "2024-03-11T02:30:15-04:00",
        ])
        #expect(try Self.times("*/20 59 1 * * *", "America/New_York", 6, after: "2024-11-03T01:58:00-04:00") == [
            "2024-11-03T01:59:00-04:00", "2024-11-03T01:59:20-04:00", "2024-11-03T01:59:40-04:00",
            "2024-11-03T01:59:00-05:00", "2024-11-03T01:59:20-05:00", "2024-11-03T01:59:40-05:00",
        ])
    }

    // MARK: Australia/Lord_Howe: a 30-minute shift, 2024-10-06 02:00 → 02:30; 2024-04-07 02:00 → 01:30

    @Test func lordHoweHalfHourGap() throws {
        #expect(try Self.times("15 2 * * *", "Australia/Lord_Howe", 2, after: "2024-10-05T12:00:00+10:30") == [
            "2024-10-06T02:30:00+11:00", "2024-10-07T02:15:00+11:00",
        ])
        #expect(try Self.times("45 2 * * *", "Australia/Lord_Howe", 1, after: "2024-10-05T12:00:00+10:30") == ["2024-10-06T02:45:00+11:00"])
        // croniter fires at 02:30 here (its "alternative" lands in the gap).
        #expect(try Self.times("19 * * * *", "Australia/Lord_Howe", 2, after: "2024-10-06T01:30:00+10:30") == [
            "2024-10-06T03:19:00+11:00", "2024-10-06T04:19:00+11:00",
        ])
    }

    @Test func lordHoweHalfHourOverlap() throws {
        #expect(try Self.times("40 1 * * *", "Australia/Lord_Howe", 3, after: "2024-04-07T01:00:00+11:00") == [
            "2024-04-07T01:40:00+11:00", "2024-04-07T01:40:00+10:30", "2024-04-08T01:40:00+10:30",
        ])
        // From 01:50 (first pass), the repeated 01:40 is still ahead.
        #expect(try Self.times("25,40 1 * * *", "Australia/Lord_Howe", 2, after: "2024-04-07T01:50:00+11:00") == [
            "2024-04-07T01:40:00+10:30", "2024-04-08T01:25:00+10:30",
        ])
    }

    // MARK: Midnight changes: America/Santiago (00:00 → 01:00 in September), America/Sao_Paulo (2018)

    @Test func santiagoMidnightGapMovesMidnightJobsToOneOClock() throws {
        #expect(try Self.times("0 0 * * *", "America/Santiago", 2, after: "2024-09-07T12:00:00-04:00") == [
            "2024-09-08T01:00:00-03:00", "2024-09-09T00:00:00-03:00",
        ])
        #expect(try Self.times("0 0 8 9 *", "America/Santiago", 1, after: "2024-01-01T00:00:00-03:00") == ["2024-09-08T01:00:00-03:00"])
        #expect(try Self.times("0 0 * * *", "America/Sao_Paulo", 2, after: "2018-11-03T12:00:00-03:00") == [
            "2018-11-04T01:00:00-02:00", "2018-11-05T00:00:00-02:00",
        ])
    }

    @Test func santiagoFallBackRepeatsTheLastHourOfTheDay() throws {
        // 2024-04-07 00:00 -03 → 2024-04-06 23:00 -04.
        #expect(try Self.times("30 23 * * *", "America/Santiago", 3, after: "2024-04-06T12:00:00-03:00") == [
            "2024-04-06T23:30:00-03:00", "2024-04-06T23:30:00-04:00", "2024-04-07T23:30:00-04:00",
        ])
    }

    @Test func aWeeklyJobCrossesAChangeAtTheSameWallTime() throws {
        #expect(try Self.times("0 9 * * MON", "Europe/Berlin", 2, after: "2024-03-20T00:00:00+01:00") == [
            "2024-03-25T09:00:00+01:00", "2024-04-01T09:00:00+02:00",
        ])
    }
}
