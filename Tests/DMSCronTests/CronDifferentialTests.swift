@testable import DMSCron
import Foundation
import Testing

/// DMSCron against croniter (Python, the reference): random expressions in several time zones,
/// from random instants, many of them next to a daylight-saving transition; the next few fire
/// times must be the same instants.
///
/// Needs the repository's Python venv with croniter (`scripts/bootstrap` makes it; `DMS_VENV`
/// names another one). Without it the test fails rather than skips.
@Suite struct CronDifferentialTests {
    static let caseCount = 12_000
    static let timesPerCase = 4
    static let timeZones = [
        "UTC", "Europe/Berlin", "America/New_York", "Australia/Sydney", "America/Santiago",
        "America/Sao_Paulo", "Asia/Kolkata", "Australia/Lord_Howe", "America/Havana",
    ]

    struct Case: Codable {
        var id: Int
        var expression: String
        var timeZone: String
        var start: Int
        var count: Int
    }

    struct Answer: Codable {
        var id: Int
        var times: [Int]?
        var error: String?
    }

    @Test func nextFireTimesMatchCroniter() throws {
        let cases = Self.makeCases()
        let answers = try Self.croniterAnswers(for: cases)
        var mismatches: [String] = []
        var compared = 0, excluded = 0
        for testCase in cases {
            let schedule = try CronSchedule(testCase.expression, timeZone: testCase.timeZone)
            if Self.croniterDiffersOnDayFields(schedule, testCase.expression) || Self.croniterGivesUpOnDayOfMonth(schedule) {
                excluded += 1
                continue
            }
            let ours = schedule.next(testCase.count, after: Date(timeIntervalSince1970: Double(testCase.start)))
                .map { Int($0.timeIntervalSince1970) }
            let answer = answers[testCase.id]
            let end = max(ours.last ?? testCase.start, answer?.times?.last ?? testCase.start)
            if Self.croniterDiffersInGap(schedule, start: testCase.start, through: end) {
                excluded += 1
                continue
            }
            compared += 1
            let agrees = if let times = answer?.times {
                ours == times
            } else {
                // croniter gives up with CroniterBadDateError where a schedule can never fire.
                ours.isEmpty && answer?.error?.contains("CroniterBadDateError") == true
            }
            if !agrees {
                mismatches.append("""
                    '\(testCase.expression)' in \(testCase.timeZone) after \(Self.show(testCase.start, testCase.timeZone)): \
                    ours \(ours.map { Self.show($0, testCase.timeZone) }), \
                    croniter \(answer?.times?.map { Self.show($0, testCase.timeZone) } ?? []) \(answer?.error ?? "")
                    """)
            }
        }
        #expect(compared > Self.caseCount * 9 / 10, "only \(compared) compared, \(excluded) excluded")
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(compared) cases differ; the first:\n\(mismatches.prefix(10).joined(separator: "\n"))")
    }

    /// croniter counts a day field that allows every value but is not written `*` (`1-31`,
    /// `0-7`, `*/1`) as restricted when the other day field has no `*` in it, so `0 0 1-31 * MON`
    /// fires every day there (1-31 OR Monday). DMSCron counts every such field as unrestricted,
    /// however it is written (Mondays only). Covered in `CronScheduleTests`.
    static func croniterDiffersOnDayFields(_ schedule: CronSchedule, _ expression: String) -> Bool {
        let words = expression.split(separator: " ").map(String.init)
        guard words.count >= 5 else { return false }
        let dayOfMonth = words[words.count - 3], dayOfWeek = words[words.count - 1]
        let fields = schedule.fields
        func differs(_ full: CronField, _ fullText: String, _ other: CronField, _ otherText: String) -> Bool {
            !fields.isRestricted(full) && fullText != "*" && fullText != "?" && fields.isRestricted(other) && !otherText.contains("*")
        }
        return differs(.dayOfMonth, dayOfMonth, .dayOfWeek, dayOfWeek) || differs(.dayOfWeek, dayOfWeek, .dayOfMonth, dayOfMonth)
    }

    /// Two of croniter's spring-forward behaviours are not DMSCron's (covered instead in
    /// `CronDaylightSavingTests`), so windows that contain a spring-forward are not compared
    /// for these schedules:
    ///
    /// * With a seconds field, croniter moves a skipped wall time forward a minute at a time
    ///   until it exists, so it fires at the jump plus the matched second (01:00:16 for 00:02:16
    ///   in a 00:00–01:00 gap); DMSCron fires at the instant of the jump (01:00:00), as for
    ///   5-field expressions.
    /// * With an unrestricted hour, croniter skips the skipped wall times, except when its
    ///   "alternative time for the other UTC offset" lands in the gap: then it fires at the jump
    ///   after all (`19,50 * * * *` in Europe/Berlin fires at 03:00 after 01:50, and `19 * * * *`
    ///   in Australia/Lord_Howe at 02:30). DMSCron always skips them.
    static func croniterDiffersInGap(_ schedule: CronSchedule, start: Int, through end: Int) -> Bool {
        guard schedule.hasSecondsField || !schedule.fields.isRestricted(.hour) else { return false }
        var instant = Date(timeIntervalSince1970: Double(start))
        while let transition = schedule.timeZone.nextDaylightSavingTimeTransition(after: instant),
              transition.timeIntervalSince1970 <= Double(end) {
            let before = schedule.timeZone.secondsFromGMT(for: transition.addingTimeInterval(-1))
            if schedule.timeZone.secondsFromGMT(for: transition) > before { return true }
            instant = transition
        }
        return false
    }

    /// When both day fields are restricted and the day of month can never match in the allowed
    /// months (`0 0 30 2 0/2`), croniter gives up (CroniterBadDateError) instead of using the
    /// day of week; DMSCron fires on the allowed weekdays. Covered in `CronScheduleTests`.
    static func croniterGivesUpOnDayOfMonth(_ schedule: CronSchedule) -> Bool {
        var dayOfMonthAlone = schedule.fields
        dayOfMonthAlone.daysOfWeek = CronField.dayOfWeek.all
        return schedule.fields.isRestricted(.dayOfWeek) && schedule.fields.isRestricted(.dayOfMonth) && !dayOfMonthAlone.canMatch
    }

    // MARK: Cases

    /// Random expressions, zones and starts; about a third of the starts are within three hours
    /// of a daylight-saving transition of their zone.
    static func makeCases() -> [Case] {
        var generator = CronExpressionGenerator(seed: 0x00C0_FFEE)
        var random = SeededRandom(seed: 42)
        let earliest = 946_684_800, latest = 2_082_758_400  // 2000-01-01 to 2036-01-01
        return (0..<caseCount).map { id in
            let zoneName = random.element(timeZones)
            var start = random.int(earliest...latest)
            if random.chance(0.35), let transition = TimeZone(identifier: zoneName)!
                .nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: Double(start))) {
                start = Int(transition.timeIntervalSince1970) + random.int(-3 * 3600...3 * 3600)
            }
            if random.chance(0.3) { start -= start % 60 }  // exactly on a minute: "strictly after" matters
            return Case(id: id, expression: generator.next(), timeZone: zoneName, start: start, count: timesPerCase)
        }
    }

    // MARK: croniter

    /// Runs `cron_reference.py` once over all cases and reads its answers, by case id.
    static func croniterAnswers(for cases: [Case]) throws -> [Int: Answer] {
        let python = try ReferencePython.locate()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dms-cron-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("cases.jsonl"), output = directory.appendingPathComponent("answers.jsonl")
        let encoder = JSONEncoder()
        var lines = Data()
        for testCase in cases {
            lines.append(try encoder.encode(testCase))
            lines.append(0x0A)
        }
        try lines.write(to: input)
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)

        let process = Process()
        process.executableURL = python
        process.arguments = [ReferencePython.script.path]
        process.standardInput = try FileHandle(forReadingFrom: input)
        process.standardOutput = try FileHandle(forWritingTo: output)
        try process.run()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "cron_reference.py exited with \(process.terminationStatus)")

        let decoder = JSONDecoder()
        var answers: [Int: Answer] = [:]
        for line in try String(contentsOf: output, encoding: .utf8).split(separator: "\n") {
            let answer = try decoder.decode(Answer.self, from: Data(line.utf8))
            answers[answer.id] = answer
        }
        try #require(answers.count == cases.count, "croniter answered \(answers.count) of \(cases.count) cases")
        return answers
    }

    /// `2024-03-31 03:00:00 +0200 (1711846800)`.
    static func show(_ seconds: Int, _ zone: String) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: zone)
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss xx"
        return "\(formatter.string(from: Date(timeIntervalSince1970: Double(seconds)))) (\(seconds))"
    }
}

/// The venv's Python that runs `cron_reference.py`.
enum ReferencePython {
    /// The repository's root directory, found from this file's path.
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `Tests/DMSCronTests/cron_reference.py`.
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("cron_reference.py")

    struct Missing: Error, CustomStringConvertible {
        var path: String
        var description: String {
            "no Python at \(path): the differential test needs the venv with croniter; run scripts/bootstrap (or set DMS_VENV to a venv that has croniter)"
        }
    }

    /// `$DMS_VENV/bin/python` (relative to the repository root unless absolute), else
    /// `.venv/bin/python` in the repository root.
    static func locate() throws -> URL {
        let venv = ProcessInfo.processInfo.environment["DMS_VENV"].flatMap { $0.isEmpty ? nil : $0 } ?? ".venv"
        let venvURL = venv.hasPrefix("/") ? URL(fileURLWithPath: venv) : repositoryRoot.appendingPathComponent(venv)
        let python = venvURL.appendingPathComponent("bin/python")
        guard FileManager.default.isExecutableFile(atPath: python.path) else { throw Missing(path: python.path) }
        return python
    }
}
