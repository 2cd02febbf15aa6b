import Foundation

/// A time zone's UTC offsets and the instants they change, in whole seconds since 1970: what
/// turns wall times into instants.
struct ZoneOffsets: Sendable, Hashable {
    /// The zone.
    let timeZone: TimeZone
    /// True when the zone never changes its offset from 1970 on (UTC, Asia/Kolkata): then no
    /// transition is ever looked up.
    private let isFixed: Bool

    /// The offsets of `timeZone`.
    init(_ timeZone: TimeZone) {
        self.timeZone = timeZone
        isFixed = timeZone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: 0)) == nil
    }

    /// The offset from UTC, in seconds, in effect at `instant` (seconds since 1970).
    func offset(at instant: Double) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: instant))
    }

    /// The first instant strictly after `instant` at which the offset may change, or nil.
    func nextTransition(after instant: Double) -> Int? {
        if isFixed { return nil }
        guard let date = timeZone.nextDaylightSavingTimeTransition(after: Date(timeIntervalSince1970: instant)) else { return nil }
        return Int(date.timeIntervalSince1970.rounded())
    }
}
