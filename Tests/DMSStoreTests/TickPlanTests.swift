import DMSCron
import DMSProto
@testable import DMSStore
import Foundation
import Testing

/// The scheduler's decision for one job: on-time ticks, missed ticks under each misfire policy.
@Suite struct TickPlanTests {
    private let everyMinute = try! CronSchedule("* * * * *")
    private let start = Date(timeIntervalSince1970: 1_800_000_000)  // a whole minute (2027-01-15 08:00 UTC)

    private func plan(
        next: Date?, now: Date, grace: TimeInterval = 60, missedBefore: Date? = nil, policy: Dms_V1_MisfirePolicy = .once, maxRuns: Int = 0
    ) -> TickPlan {
        TickPlan(schedule: everyMinute, nextFireTime: next, now: now, grace: grace, missedBefore: missedBefore, policy: policy, maxRuns: maxRuns)
    }

    @Test func withoutANextTickNothingIsDueAndTheNextOneIsFound() {
        let result = plan(next: nil, now: start.addingTimeInterval(10))
        #expect(result.runs.isEmpty)
        #expect(result.next == start.addingTimeInterval(60))
    }

    @Test func aTickNotYetDueCreatesNothing() {
        let result = plan(next: start.addingTimeInterval(60), now: start.addingTimeInterval(59))
        #expect(result.runs.isEmpty)
        #expect(result.next == start.addingTimeInterval(60))
    }

    @Test func ticksWithinTheGraceAreOnTimeEachOneRun() {
        let result = plan(next: start, now: start.addingTimeInterval(125), grace: 70)  // ticks at 0, 60, 120
        // 0 s is 125 s late: missed; 60 (65 s late) and 120 are on time.
        #expect(result.runs.count == 3)
        #expect(result.runs[0] == TickPlan.Run(time: start, ticks: 1, firstTime: start, skipped: false, missed: true))
        #expect(result.runs[1...].map(\.time) == [start.addingTimeInterval(60), start.addingTimeInterval(120)])
        #expect(result.runs[1...].allSatisfy { !$0.missed && !$0.skipped && $0.ticks == 1 })
        #expect(result.next == start.addingTimeInterval(180))
    }

    @Test func missedTicksFollowThePolicy() {
        let now = start.addingTimeInterval(3600 + 5)  // 61 ticks due (0…3600); the last one on time
        let latestMissed = start.addingTimeInterval(3540)

        let once = plan(next: start, now: now, policy: .once)
        #expect(once.runs.count == 2)
        #expect(once.runs[0] == TickPlan.Run(time: latestMissed, ticks: 60, firstTime: start, skipped: false, missed: true))
        #expect(once.runs[1].time == start.addingTimeInterval(3600) && !once.runs[1].missed)
        #expect(plan(next: start, now: now, policy: .unspecified) == once)

        let skip = plan(next: start, now: now, policy: .skip)
        #expect(skip.runs[0] == TickPlan.Run(time: latestMissed, ticks: 60, firstTime: start, skipped: true, missed: true))
        #expect(skip.runs.count == 2 && !skip.runs[1].skipped)

        let all = plan(next: start, now: now, policy: .all, maxRuns: 3)
        #expect(all.runs.count == 1 + 3 + 1)
        #expect(all.runs[0] == TickPlan.Run(time: start.addingTimeInterval(3360), ticks: 57, firstTime: start, skipped: true, missed: true))
        #expect(all.runs[1...3].map(\.time) == [3420, 3480, 3540].map { start.addingTimeInterval($0) })
        #expect(all.runs[1...3].allSatisfy { !$0.skipped && $0.ticks == 1 && $0.missed })

        let allDefault = plan(next: start, now: now, policy: .all)
        #expect(allDefault.runs.filter { !$0.skipped && $0.missed }.count == TickPlan.defaultMisfireMaxRuns)
        // Every due tick is accounted for exactly once, whatever the policy.
        for result in [once, skip, all, allDefault] { #expect(result.runs.map(\.ticks).reduce(0, +) == 61) }
    }

    @Test func ticksThatCameWhileThePausedJobWaitedAreMissedEvenWithinTheGrace() {
        let now = start.addingTimeInterval(130)
        let resumed = plan(next: start, now: now, grace: 3600, missedBefore: start.addingTimeInterval(125), policy: .once)
        #expect(resumed.runs == [TickPlan.Run(time: start.addingTimeInterval(120), ticks: 3, firstTime: start, skipped: false, missed: true)])
    }

    @Test func aVeryLongOutageIsCountedUpToTheLimitAndSaysSo() throws {
        let everySecond = try CronSchedule("* * * * * *")
        let now = start.addingTimeInterval(Double(TickPlan.countLimit) + 500)
        let result = TickPlan(schedule: everySecond, nextFireTime: start, now: now, grace: 1, missedBefore: nil, policy: .skip, maxRuns: 0)
        #expect(result.countCapped)
        #expect(result.runs.count == 1 && result.runs[0].skipped && result.runs[0].ticks == TickPlan.countLimit)
        #expect(result.next == now.addingTimeInterval(1))
    }
}
