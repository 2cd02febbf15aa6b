import DMSCron
import DMSPostgres
import DMSProto
@testable import DMSStore
import DMSTestSupport
import DMSWire
import Foundation
import Testing

/// The scheduler in the store, against a real PostgreSQL: ticks become runs exactly once however
/// many replicas race, misfires and overlaps follow their policies, failed runs are retried with
/// backoff, and runs whose replica died are rescued when their lease runs out.
@Suite struct SchedulerTests {
    /// A store with `count` jobs on `schedule`, created with `configure` applied to each request.
    private func jobs(
        _ count: Int, schedule: String, configure: (inout Dms_V1_CreateMigrationJobRequest) -> Void = { _ in }
    ) async throws -> (TestStore, [Dms_V1_MigrationJob]) {
        let test = try await TestStore.open()
        let connection = try await test.postgresConnection()
        let source = try await test.source(connection: connection)
        let target = try await test.target(connection: connection)
        var jobs = [Dms_V1_MigrationJob]()
        for index in 0..<count {
            var request = Dms_V1_CreateMigrationJobRequest()
            request.name = "job-\(index)"
            request.sourceID = source.id
            request.targetID = target.id
            request.schedule = schedule
            configure(&request)
            jobs.append(try await test.store.jobs.create(request, namespace: "default", scope: .everything))
        }
        return (test, jobs)
    }

    private func sql(_ test: TestStore, _ text: String, _ parameters: any PostgresBindable...) async throws {
        try await test.pool.withConnection { db in _ = try db.query(text, parameters) }
    }

    private func runs(_ test: TestStore, job: Dms_V1_MigrationJob) async throws -> [Dms_V1_MigrationJobRun] {
        var request = Dms_V1_ListRunsRequest()
        request.migrationJobID = job.id
        request.pageSize = 1000
        return try await test.store.runs.list(request, namespace: nil).runs.sorted { $0.scheduledTime.date < $1.scheduledTime.date }
    }

    @Test func everyDueTickBecomesExactlyOneRunWhenFourReplicasRace() async throws {
        let (test, jobs) = try await jobs(12, schedule: "* * * * * *")
        let runs = test.store.runs
        // The first pass only computes each job's next tick, from the database's clock.
        #expect(try await runs.scheduleDueTicks(grace: .seconds(60)).runs == 0)
        try await sql(test, "UPDATE migration_jobs SET next_fire_time = date_trunc('second', now()) - interval '4 seconds'")
        let passes = try await withThrowingTaskGroup(of: SchedulePass.self) { group in
            for _ in 0..<4 { group.addTask { try await runs.scheduleDueTicks(grace: .seconds(60), batch: 3) } }
            return try await group.reduce(into: [SchedulePass]()) { $0.append($1) }
        }
        #expect(passes.map(\.jobs).reduce(0, +) >= 12)
        let (total, distinct) = try await test.pool.withConnection { db in
            let row = try db.query("SELECT count(*) AS n, count(DISTINCT (migration_job_id, scheduled_time)) AS d FROM migration_job_runs").first!
            return (try row.int64("n"), try row.int64("d"))
        }
        #expect(total == distinct && total >= 12 * 5)
        for job in jobs {
            let list = try await self.runs(test, job: job)
            // Consecutive seconds, none missing; the first started, the others overlapped it.
            let seconds = list.map { Int64($0.scheduledTime.seconds) }
            #expect(seconds == Array(seconds[0]...seconds[0] + Int64(list.count - 1)), "\(seconds)")
            #expect(list[0].state == .fresh && !list[0].skipped && list[0].ticks == 1 && list[0].trigger == .schedule)
            for later in list.dropFirst() {
                #expect(later.skipped && later.state == .cancelled && later.overlappedRunID == list[0].id && later.hasEndTime)
                #expect(later.error.contains("overlap policy SKIP"), "\(later.error)")
            }
        }
        // A replica whose view is stale (the job's next tick set back) creates nothing twice.
        try await sql(test, "UPDATE migration_jobs SET next_fire_time = date_trunc('second', now()) - interval '4 seconds'")
        let again = try await runs.scheduleDueTicks(grace: .seconds(60))
        let after = try await test.pool.withConnection { db in try db.query("SELECT count(*) AS n FROM migration_job_runs").first!.int64("n") }
        #expect(after == total + Int64(again.runs))
        #expect(again.runs <= 12 * 2, "only the ticks of the last second or two are new: \(again.runs)")
    }

    @Test func missedTicksFollowEachJobsMisfirePolicy() async throws {
        // Every 1 January: from 2020 on, every tick up to now was missed.
        let (test, jobs) = try await jobs(3, schedule: "0 0 1 1 *") { _ in }
        let policies: [Dms_V1_MisfirePolicy] = [.skip, .once, .all]
        for (job, policy) in zip(jobs, policies) {
            try await sql(
                test, "UPDATE migration_jobs SET misfire_policy = $2, misfire_max_runs = 2, overlap_policy = 1, next_fire_time = '2020-01-01T00:00:00Z' WHERE id = $1::uuid",
                job.id, policy.rawValue)
        }
        let missed = try CronSchedule("0 0 1 1 *").fireTimes(after: Date(timeIntervalSince1970: 1_577_836_800), through: Date(), limit: 100).count + 1
        #expect(missed >= 7)
        let pass = try await test.store.runs.scheduleDueTicks(grace: .seconds(60))
        #expect(pass.jobs == 3)

        let skipped = try await runs(test, job: jobs[0])
        #expect(skipped.count == 1 && skipped[0].skipped && skipped[0].state == .cancelled && skipped[0].ticks == missed)
        #expect(skipped[0].firstTickTime.date == Date(timeIntervalSince1970: 1_577_836_800))
        #expect(skipped[0].error.contains("\(missed) ticks missed from 2020-01-01"), "\(skipped[0].error)")

        let once = try await runs(test, job: jobs[1])
        #expect(once.count == 1 && !once[0].skipped && once[0].state == .fresh && once[0].ticks == missed)

        // All, capped at 2: the two latest ticks run one after the other (catching up waits for
        // the run in progress whatever the overlap policy), the older ones are on record as skipped.
        let all = try await runs(test, job: jobs[2])
        #expect(all.count == 3)
        #expect(all[0].skipped && all[0].ticks == missed - 2)
        #expect(!all[1].skipped && !all[2].skipped && all[2].overlappedRunID == all[1].id && all[2].state == .fresh)
        // Every job now waits for its next 1 January.
        let next = try await test.store.jobs.get(.id(UUID(uuidString: jobs[0].id)!), scope: .everything).nextFireTimes.first
        let due = try await test.pool.withConnection { db in
            try db.query("SELECT count(*) AS n FROM migration_jobs WHERE next_fire_time <= now() OR next_fire_time IS NULL").first!.int64("n")
        }
        #expect(due == 0 && next != nil)
    }

    @Test func ticksWhileAJobWasPausedAreMissedAndAChangedScheduleStartsAfresh() async throws {
        let (test, jobs) = try await jobs(1, schedule: "* * * * * *")
        let job = jobs[0]
        let key = ResourceKey.id(UUID(uuidString: job.id)!)
        _ = try await test.store.jobs.setPaused(true, key: key, scope: .everything)
        try await sql(test, "UPDATE migration_jobs SET next_fire_time = date_trunc('second', now()) - interval '3 seconds'")
        #expect(try await test.store.runs.scheduleDueTicks(grace: .seconds(60)).jobs == 0)
        _ = try await test.store.jobs.setPaused(false, key: key, scope: .everything)
        _ = try await test.store.runs.scheduleDueTicks(grace: .seconds(60))
        let list = try await runs(test, job: job)
        // The ticks of the pause (within the grace, but paused) became one run (policy ONCE).
        #expect(list.first?.ticks ?? 0 >= 4 && list.first?.skipped == false, "\(list.map(\.ticks))")

        var update = Dms_V1_UpdateMigrationJobRequest()
        update.id = job.id
        update.schedule = "0 3 * * *"
        update.updateMask = ["schedule"]
        update.expectedRevision = try await test.store.jobs.get(key, scope: .everything).revision
        _ = try await test.store.jobs.update(update, key: key, scope: .everything)
        let next = try await test.pool.withConnection { db in
            try db.query("SELECT next_fire_time IS NULL AS reset FROM migration_jobs").first!.bool("reset")
        }
        #expect(next)
    }

    @Test func aTickThatComesWhileARunIsInProgressWaitsUnderTheQueuePolicy() async throws {
        let (test, jobs) = try await jobs(1, schedule: "* * * * * *") { $0.overlapPolicy = .queue }
        let manual = try await test.store.runs.createManual(job: jobs[0])
        try await sql(test, "UPDATE migration_jobs SET next_fire_time = date_trunc('second', now())")
        _ = try await test.store.runs.scheduleDueTicks(grace: .seconds(60))
        let list = try await runs(test, job: jobs[0]).filter { $0.trigger == .schedule }
        #expect(list.count >= 1)
        #expect(list[0].overlappedRunID == manual.id && !list[0].skipped && list[0].state == .fresh)
    }

    @Test func aFailedRunIsRetriedWithBackoffUntilItsAttemptsAreSpent() async throws {
        let (test, jobs) = try await jobs(1, schedule: "") {
            $0.maxAttempts = 3
            $0.retryBackoffSeconds = 10
        }
        let runs = test.store.runs
        var run = try await runs.createManual(job: jobs[0])
        for attempt in 1...3 {
            try await runs.queueFresh()
            try await sql(test, "UPDATE migration_job_runs SET not_before = now() WHERE state = 'queued'")
            let claim = try #require(try await runs.claimQueued(replica: "a", limits: RunLimits(), lease: .seconds(30), max: 1).first)
            #expect(claim.run.id == run.id && claim.run.attempt == attempt)
            let failed = try #require(try await runs.transition(run.id, from: .running, to: .failed, fence: claim.fence, update: RunUpdate(error: "boom")))
            let all = try await self.runs(test, job: jobs[0])
            if attempt < 3 {
                let retry = try #require(all.first { $0.retryOfRunID == run.id })
                #expect(retry.trigger == .retry && retry.attempt == attempt + 1 && retry.state == .fresh)
                #expect(failed.error.hasPrefix("boom (attempt \(attempt) of 3: retrying as run \(retry.id) in "), "\(failed.error)")
                // Not claimable before its backoff: between half and all of 10 s × 2^(attempt-1).
                let wait = try await test.pool.withConnection { db in
                    try db.query("SELECT extract(epoch FROM not_before - create_time)::float8 AS s FROM migration_job_runs WHERE id = $1::uuid", retry.id)
                        .first!.double("s")
                }
                let ceiling = 10 * pow(2, Double(attempt - 1))
                #expect(wait >= ceiling / 2 - 0.001 && wait <= ceiling + 0.001, "\(wait)")
                try await runs.queueFresh()
                #expect(try await runs.claimQueued(replica: "a", limits: RunLimits(), lease: .seconds(30), max: 1).isEmpty)
                run = retry
            } else {
                #expect(failed.error == "boom (attempt 3 of 3: no retry left)")
                #expect(all.count == 3)
            }
        }
        // A cancelled run is not retried.
        let cancelled = try await runs.requestCancel(id: try await runs.createManual(job: jobs[0]).id, scope: .everything)
        #expect(cancelled.state == .cancelled)
        #expect(try await self.runs(test, job: jobs[0]).count == 4)
    }

    @Test func aRunWhoseReplicaStoppedRenewingItsLeaseIsFailedAndRetriedByAnother() async throws {
        let (test, jobs) = try await jobs(1, schedule: "") { $0.maxAttempts = 2 }
        let runs = test.store.runs
        let run = try await runs.createManual(job: jobs[0])
        try await runs.queueFresh()
        let claim = try #require(try await runs.claimQueued(replica: "replica-a", limits: RunLimits(), lease: .seconds(3), max: 1).first)
        #expect(try await runs.rescueExpiredLeases(by: "replica-b").isEmpty)
        try await Task.sleep(for: .milliseconds(3300))
        let rescued = try await runs.rescueExpiredLeases(by: "replica-b")
        #expect(rescued.map(\.run.id) == [run.id] && rescued.first?.lostBy == "replica-a")
        let failed = try await runs.get(id: run.id, scope: .everything)
        #expect(failed.state == .failed && failed.error.contains("lost: dmsd replica replica-a stopped renewing"), "\(failed.error)")
        #expect(failed.error.contains("failed by replica replica-b") && failed.error.contains("(attempt 1 of 2: retrying as run"))
        let log = try await runs.readLog(id: run.id, from: 0, maxBytes: 10_000, scope: .everything)
        #expect(log.text.contains("[dms] lost: dmsd replica replica-a"))
        // The replica that lost it can neither renew nor end it.
        #expect(try await runs.heartbeat([(id: run.id, fence: claim.fence)], lease: .seconds(30))[run.id]?.held == false)
        #expect(try await runs.transition(run.id, from: .running, to: .succeeded, fence: claim.fence) == nil)
        #expect(try await runs.appendLog("late\n", to: run.id, fence: claim.fence) == false)
        // Its retry is there, once.
        let retries = try await self.runs(test, job: jobs[0]).filter { $0.retryOfRunID == run.id }
        #expect(retries.count == 1 && retries[0].attempt == 2)
        #expect(try await runs.rescueExpiredLeases(by: "replica-c").isEmpty)
    }

    @Test func theNextDueTimeComesFromTheDatabaseClock() async throws {
        let (test, _) = try await jobs(1, schedule: "* * * * * *")
        #expect(try await test.store.runs.nextDueDelay() == nil)
        _ = try await test.store.runs.scheduleDueTicks(grace: .seconds(60))
        let delay = try #require(try await test.store.runs.nextDueDelay())
        #expect(delay <= .seconds(1))
    }
}
