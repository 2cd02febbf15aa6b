/// The values each field of a parsed cron expression allows, as bitsets: what the search for
/// fire times runs on. A 5-field expression allows only second 0.
struct CronFields: Sendable, Hashable {
    var seconds = CronValueSet(bits: 1)
    var minutes = CronField.minute.all
    var hours = CronField.hour.all
    var daysOfMonth = CronField.dayOfMonth.all
    var months = CronField.month.all
    /// 0–6, Sunday is 0 (a 7 in the expression is stored as 0).
    var daysOfWeek = CronField.dayOfWeek.all

    /// The allowed values of `field`.
    subscript(field: CronField) -> CronValueSet {
        get {
            switch field {
            case .second: seconds
            case .minute: minutes
            case .hour: hours
            case .dayOfMonth: daysOfMonth
            case .month: months
            case .dayOfWeek: daysOfWeek
            }
        }
        set {
            switch field {
            case .second: seconds = newValue
            case .minute: minutes = newValue
            case .hour: hours = newValue
            case .dayOfMonth: daysOfMonth = newValue
            case .month: months = newValue
            case .dayOfWeek: daysOfWeek = newValue
            }
        }
    }

    /// A field is restricted when it does not allow every value, however it is written: `*`,
    /// `?`, `*/1`, `1-31` and `0-7` are all unrestricted.
    func isRestricted(_ field: CronField) -> Bool { self[field] != field.all }
}
