import DMSCron
import DMSPostgres
import DMSProto
import Foundation

/// What one pass of the scheduler did.
public struct SchedulePass: Sendable, Equatable {
    /// Jobs whose due ticks it handled.
    public var jobs = 0
    /// Runs it created (skipped ones included).
    public var runs = 0
    /// Of those, skipped ones (missed ticks, or overlap).
    public var skipped = 0
}

extension RunRepository {
    /// Turns the due ticks of every scheduled job into runs, exactly once across replicas.
    ///
    /// Due jobs are locked with `FOR UPDATE SKIP LOCKED` (a replica takes the jobs no other one is
    /// handling), their ticks up to the database's `now()` are planned (``TickPlan``: misfires per
    /// the job's policy), each becomes a run inserted with `ON CONFLICT DO NOTHING` on the unique
    /// key (job, scheduled time) — the guarantee that holds even if two replicas ever planned the
    /// same tick — and the job's `next_fire_time` moves past them in the same transaction, so a
    /// tick is never dropped either. A tick that comes while a run of the job is in progress
    /// follows the job's overlap policy.
    ///
    /// `grace`: how late a tick may be handled and still count as on time.
    public func scheduleDueTicks(grace: Duration, batch: Int = 200) async throws -> SchedulePass {
        var total = SchedulePass()
        while true {
            let pass = try await pool.withTransaction { db in try Self.scheduleBatch(grace: Self.seconds(grace), batch: batch, in: db) }
            total.jobs += pass.jobs
            total.runs += pass.runs
            total.skipped += pass.skipped
            if pass.jobs < batch { return total }
        }
    }

    /// How long until the scheduler or the queue has something to do next (the earliest
    /// `next_fire_time`, or the end of a retry's backoff), by the database's clock; nil when
    /// nothing is waiting for a time.
    public func nextDueDelay() async throws -> Duration? {
        try await pool.withConnection { db in
            let row = try db.query(
                """
                SELECT extract(epoch FROM least(
                    (SELECT min(next_fire_time) FROM migration_jobs WHERE schedule <> '' AND NOT paused),
                    (SELECT min(not_before) FROM migration_job_runs WHERE state IN ('fresh', 'queued'))) - now())::float8 AS s
                """
            ).first
            guard let seconds = try row?.optionalDouble("s"), seconds.isFinite else { return nil }
            return .milliseconds(Int64(min(max(seconds, 0), 86_400) * 1000))
        }
    }

    private static func scheduleBatch(grace: Double, batch: Int, in db: PostgresConnection) throws -> SchedulePass {
        let jobs = try db.query(
            """
            SELECT id::text AS id, namespace, schedule, time_zone, overlap_policy, misfire_policy, misfire_max_runs,
                extract(epoch FROM next_fire_time)::float8 AS next_fire, extract(epoch FROM missed_before)::float8 AS missed_before,
                extract(epoch FROM now())::float8 AS now
            FROM migration_jobs WHERE schedule <> '' AND NOT paused AND (next_fire_time IS NULL OR next_fire_time <= now())
            ORDER BY next_fire_time NULLS FIRST LIMIT $1 FOR UPDATE SKIP LOCKED
            """, batch)
        var pass = SchedulePass()
        pass.jobs = jobs.count
        guard !jobs.isEmpty else { return pass }
        // The run each job has in progress, if any (the overlap policy's question), in one query.
        var inProgress = [String: String]()
        for row in try db.query(
            """
            SELECT DISTINCT ON (migration_job_id) migration_job_id::text AS job, id::text AS id FROM migration_job_runs
            WHERE migration_job_id = ANY (string_to_array($1, ',')::uuid[]) AND state IN ('fresh', 'queued', 'running')
            ORDER BY migration_job_id, create_time DESC
            """, try jobs.map { try $0.string("id") }.joined(separator: ","))
        {
            inProgress[try row.string("job")] = try row.string("id")
        }
        for job in jobs {
            let id = try job.string("id")
            let now = Date(timeIntervalSince1970: try job.double("now"))
            let next: Date?
            do {
                let schedule = try CronSchedule(try job.string("schedule"), timeZone: try job.string("time_zone"))
                let plan = TickPlan(
                    schedule: schedule, nextFireTime: try job.optionalDouble("next_fire").map(Date.init(timeIntervalSince1970:)), now: now,
                    grace: grace, missedBefore: try job.optionalDouble("missed_before").map(Date.init(timeIntervalSince1970:)),
                    policy: Dms_V1_MisfirePolicy(rawValue: Int(try job.int64("misfire_policy"))) ?? .once,
                    maxRuns: Int(try job.int64("misfire_max_runs")))
                let overlap = Dms_V1_OverlapPolicy(rawValue: Int(try job.int64("overlap_policy"))) ?? .skip
                for tick in plan.runs {
                    let run = try createScheduled(
                        tick, job: id, namespace: try job.string("namespace"), overlapping: inProgress[id], overlap: overlap,
                        countCapped: plan.countCapped, in: db)
                    guard let run else { continue }
                    pass.runs += 1
                    if run.skipped { pass.skipped += 1 } else { inProgress[id] = run.id }
                }
                next = plan.next
            } catch {
                // Validated when saved, so only a time zone database change gets here: the job
                // stops firing until its schedule is changed (which recomputes its next tick).
                next = nil
            }
            try db.query(
                """
                UPDATE migration_jobs SET next_fire_time = coalesce(to_timestamp($2), 'infinity'), missed_before = NULL
                WHERE id = $1::uuid
                """, id, next?.timeIntervalSince1970)
        }
        return pass
    }

    /// Inserts the run of one planned tick (nil when that tick already has one).
    private static func createScheduled(
        _ tick: TickPlan.Run, job: String, namespace: String, overlapping: String?, overlap: Dms_V1_OverlapPolicy, countCapped: Bool,
        in db: PostgresConnection
    ) throws -> Dms_V1_MigrationJobRun? {
        var skipReason: String?
        if tick.skipped {
            let count = countCapped ? "at least \(tick.ticks)" : "\(tick.ticks)"
            skipReason =
                tick.ticks == 1
                ? "skipped: the tick was missed (no dmsd replica was running, or the job was paused)"
                : "skipped: \(count) ticks missed from \(Self.iso(tick.firstTime)) to \(Self.iso(tick.time)) (no dmsd replica was running, or the job was paused)"
        }
        let overlapped = tick.skipped ? nil : overlapping
        // Catching up on missed ticks always waits for the run in progress: skipping them too
        // would leave nothing of them.
        if let overlapped, overlap != .queue, !tick.missed {
            skipReason = "skipped: run \(overlapped) of this job was still in progress (overlap policy SKIP)"
        }
        let skipped = skipReason != nil
        guard
            let row = try db.query(
                """
                INSERT INTO migration_job_runs (id, migration_job_id, namespace, state, trigger, scheduled_time, ticks, first_tick_time,
                    skipped, overlapped_run_id, error, end_time)
                VALUES ($1, $2::uuid, $3, $4, 'schedule', to_timestamp($5), $6, to_timestamp($7), $8, $9::uuid, $10,
                    CASE WHEN $8 THEN now() END)
                ON CONFLICT (migration_job_id, scheduled_time) WHERE trigger = 'schedule' DO NOTHING
                RETURNING \(columns)
                """, UUID(), job, namespace, skipped ? "cancelled" : "fresh", tick.time.timeIntervalSince1970, tick.ticks,
                tick.firstTime.timeIntervalSince1970, skipped, overlapped, skipReason ?? ""
            ).first
        else { return nil }
        let run = try Self.run(row)
        try RunEvents.record(.created, run: run, previous: nil, in: db)
        return run
    }

    static func iso(_ date: Date) -> String {
        date.formatted(.iso8601)
    }
}
