import DMSCron
import Foundation

/// Instants written as ISO 8601 with their offset (`2024-03-31T03:00:00+02:00`), so expected
/// fire times read as the wall clock of their zone and say which side of a DST change they are.
enum ISO {
    /// The instant `text` names; it must have an offset (or `Z`), and may have `.fff` seconds.
    static func date(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = text.contains(".") ? [.withInternetDateTime, .withFractionalSeconds] : [.withInternetDateTime]
        guard let date = formatter.date(from: text) else { fatalError("not an ISO 8601 instant: \(text)") }
        return date
    }

    /// `date` on the wall clock of `timeZone`, with its offset: `2024-03-31T03:00:00+02:00`.
    static func string(_ date: Date, in timeZone: TimeZone) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ssxxx"
        return formatter.string(from: date)
    }
}

extension CronSchedule {
    /// The next `count` fire times after the ISO 8601 instant `start`, as ISO 8601 strings on
    /// the schedule's wall clock.
    func next(_ count: Int, after start: String) -> [String] {
        next(count, after: ISO.date(start)).map { ISO.string($0, in: timeZone) }
    }
}
