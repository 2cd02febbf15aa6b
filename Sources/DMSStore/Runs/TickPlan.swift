import DMSCron
import DMSProto
import Foundation

/// What a job's due schedule ticks become: the scheduler's decision for one job at one instant,
/// made from the database's clock and nothing else, so that every replica would decide the same.
///
/// A tick is *on time* when it is handled within the misfire grace of its time; each on-time tick
/// is one run. Older ticks, and ticks that came while the job was paused, are *missed*, and follow
/// the job's misfire policy:
///
/// * `skip`: one skipped run stands for them all (nothing starts; the gap is on record);
/// * `once` (the default): one run, at the latest missed tick, stands for them all;
/// * `all`: one run for each of the latest `misfire_max_runs`, and one skipped run for the older
///   ones, if any.
///
/// Ticks are counted one by one up to ``countLimit``; past that (a per-second schedule after a long
/// outage) the count is a lower bound, and the plan says so.
public struct TickPlan: Sendable, Equatable {
    /// One run the plan creates.
    public struct Run: Sendable, Equatable {
        /// The tick it is for (its `scheduled_time`): the latest of the ticks it stands for.
        public var time: Date
        /// How many ticks it stands for, its own included.
        public var ticks: Int
        /// The earliest of them (= `time` when `ticks` is 1).
        public var firstTime: Date
        /// True when the ticks start nothing (missed, policy `skip` or beyond the cap).
        public var skipped: Bool
        /// True for missed ticks (handled late).
        public var missed: Bool
    }

    /// The runs to create, in tick order.
    public var runs: [Run]
    /// The next tick after the instant of planning; nil when the schedule never fires again.
    public var next: Date?
    /// True when more ticks were due than ``countLimit`` (their count is then a lower bound).
    public var countCapped: Bool

    /// The most due ticks counted for one job in one plan.
    public static let countLimit = 100_000
    /// The most runs `MISFIRE_POLICY_ALL` creates for missed ticks when the job does not say.
    public static let defaultMisfireMaxRuns = 10

    /// The plan for `schedule` whose next unhandled tick is `nextFireTime` (nil: none computed yet,
    /// then nothing is due and the plan only finds the next tick), at the database's `now`.
    public init(
        schedule: CronSchedule, nextFireTime: Date?, now: Date, grace: TimeInterval, missedBefore: Date?,
        policy: Dms_V1_MisfirePolicy, maxRuns: Int
    ) {
        runs = []
        countCapped = false
        next = schedule.next(after: now)
        guard let first = nextFireTime, first <= now else { return }
        // `first` is a tick the schedule had (or the schedule changed and it is the first one
        // computed): include it, then every later tick up to now.
        var due = [first]
        due += schedule.fireTimes(after: first, through: now, limit: Self.countLimit - 1)
        countCapped = due.count >= Self.countLimit
        let lateBefore = now.addingTimeInterval(-grace)
        func isMissed(_ tick: Date) -> Bool {
            tick < lateBefore || missedBefore.map { tick <= $0 } == true
        }
        let missed = due.prefix { isMissed($0) }
        let onTime = due.dropFirst(missed.count)
        if let latest = missed.last, let earliest = missed.first {
            switch policy {
            case .skip:
                runs.append(Run(time: latest, ticks: missed.count, firstTime: earliest, skipped: true, missed: true))
            case .all:
                let cap = maxRuns > 0 ? maxRuns : Self.defaultMisfireMaxRuns
                let kept = missed.suffix(cap)
                let dropped = missed.dropLast(kept.count)
                if let newestDropped = dropped.last {
                    runs.append(Run(time: newestDropped, ticks: dropped.count, firstTime: earliest, skipped: true, missed: true))
                }
                runs += kept.map { Run(time: $0, ticks: 1, firstTime: $0, skipped: false, missed: true) }
            case .once, .unspecified, .UNRECOGNIZED:
                runs.append(Run(time: latest, ticks: missed.count, firstTime: earliest, skipped: false, missed: true))
            }
        }
        runs += onTime.map { Run(time: $0, ticks: 1, firstTime: $0, skipped: false, missed: false) }
    }
}
