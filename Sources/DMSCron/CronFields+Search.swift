/// The search for matching wall times: field by field, jumping straight to the next allowed
/// month, day, hour, minute and second, on integers only.
extension CronFields {
    /// The first wall time at or after `start` that the fields allow, or nil if there is none
    /// up to the end of `lastYear`.
    func firstMatch(from start: WallTime, lastYear: Int) -> WallTime? {
        var (year, month, day) = (start.year, start.month, start.day)
        var (hour, minute, second) = (start.hour, start.minute, start.second)
        while year <= lastYear {
            guard let nextMonth = months.next(from: month) else {
                (year, month, day, hour, minute, second) = (year + 1, 1, 1, 0, 0, 0)
                continue
            }
            if nextMonth != month { (month, day, hour, minute, second) = (nextMonth, 1, 0, 0, 0) }
            guard let nextDay = CronValueSet(bits: matchingDays(year: year, month: month)).next(from: day) else {
                (month, day, hour, minute, second) = (month + 1, 1, 0, 0, 0)
                continue
            }
            if nextDay != day { (day, hour, minute, second) = (nextDay, 0, 0, 0) }
            guard let nextHour = hours.next(from: hour) else {
                (day, hour, minute, second) = (day + 1, 0, 0, 0)
                continue
            }
            if nextHour != hour { (hour, minute, second) = (nextHour, 0, 0) }
            guard let nextMinute = minutes.next(from: minute) else {
                (hour, minute, second) = (hour + 1, 0, 0)
                continue
            }
            if nextMinute != minute { (minute, second) = (nextMinute, 0) }
            guard let nextSecond = seconds.next(from: second) else {
                (minute, second) = (minute + 1, 0)
                continue
            }
            return WallTime(year: year, month: month, day: day, hour: hour, minute: minute, second: nextSecond)
        }
        return nil
    }

    /// The days of `month` in `year` the fields allow, as bits 1–31.
    ///
    /// When both day fields are restricted a day is allowed if either allows it (Vixie cron);
    /// when only one is, that one decides.
    func matchingDays(year: Int, month: Int) -> UInt64 {
        let length = WallTime.daysInMonth(year: year, month: month)
        let inMonth = CronValueSet.range(1, length).bits
        let byDayOfMonth = daysOfMonth.bits
        guard isRestricted(.dayOfWeek) else { return byDayOfMonth & inMonth }
        // Bit k of `week` says whether day k+1 of the month is allowed by its weekday;
        // the pattern repeats every 7 days.
        let first = UInt64(WallTime.weekday(year: year, month: month, day: 1))
        let weekdays = daysOfWeek.bits & 0x7F
        let week = ((weekdays >> first) | (weekdays << (7 - first))) & 0x7F
        let byDayOfWeek = (week | week << 7 | week << 14 | week << 21 | week << 28) << 1
        let allowed = isRestricted(.dayOfMonth) ? byDayOfMonth | byDayOfWeek : byDayOfWeek
        return allowed & inMonth
    }

    /// False when no date can ever match: the day of week is unrestricted and no allowed day of
    /// month exists in any allowed month (`0 0 30 2 *`). February counts as 29 days.
    var canMatch: Bool {
        if isRestricted(.dayOfWeek) { return true }
        var month = 1
        while let allowed = months.next(from: month) {
            let longest = allowed == 2 ? 29 : WallTime.daysInMonth(year: 2001, month: allowed)
            if daysOfMonth.bits & CronValueSet.range(1, longest).bits != 0 { return true }
            month = allowed + 1
        }
        return false
    }
}
