/// Why a cron expression or its time zone was refused, precisely enough to fix it: where the
/// problem starts, in which field, and what is wrong.
///
/// `description` reads `position 4 (hour): 25 is out of range 0–23`, or
/// `position 1: unknown macro @often (…)` when no single field is to blame, or
/// `time zone: unknown time zone 'Mars/Olympus'` for the time zone.
public struct CronError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The 1-based character offset in the expression where the problem starts; one past the
    /// last character when something is missing at the end. 0 when the problem is not in the
    /// expression (an unknown time zone).
    public var position: Int
    /// The field the problem is in: `second`, `minute`, `hour`, `day of month`, `month`,
    /// `day of week`, `time zone`; nil when it is not in one field (an empty expression, a wrong
    /// number of fields, an unknown macro).
    public var field: String?
    /// For people: what is wrong, e.g. `25 is out of range 0–23`.
    public var reason: String

    /// An error at `position` in `field` for `reason`.
    public init(position: Int, field: String?, reason: String) {
        self.position = position
        self.field = field
        self.reason = reason
    }

    /// `position 4 (hour): 25 is out of range 0–23`; `time zone: …` for the time zone.
    public var description: String {
        if position == 0 { return "\(field ?? "expression"): \(reason)" }
        guard let field else { return "position \(position): \(reason)" }
        return "position \(position) (\(field)): \(reason)"
    }
}
