import DMSPostgres
import DMSProto
import DMSWire
import Foundation
import SwiftProtobuf

/// What a supervisor changes on a run besides its state; nil leaves a field as it is.
public struct RunUpdate: Sendable {
    public var error: String?
    public var sparkApplicationID: String?
    public var metrics: Dms_V1_RunMetrics?
    public var progress: Dms_V1_RunProgress?

    public init(error: String? = nil, sparkApplicationID: String? = nil, metrics: Dms_V1_RunMetrics? = nil, progress: Dms_V1_RunProgress? = nil) {
        self.error = error
        self.sparkApplicationID = sparkApplicationID
        self.metrics = metrics
        self.progress = progress
    }

    var isEmpty: Bool { error == nil && sparkApplicationID == nil && metrics == nil && progress == nil }
}

/// A run a replica claimed: the run, and the fencing token every later change of it must name.
public struct ClaimedRun: Sendable {
    public var run: Dms_V1_MigrationJobRun
    public var fence: Int64
}

/// How many runs may be RUNNING at once.
public struct RunLimits: Sendable, Equatable {
    /// Across every replica and namespace.
    public var global: Int
    /// Per namespace; 0: no limit of its own.
    public var perNamespace: Int
    /// Per job (1: a job never runs twice at once).
    public var perJob: Int

    public init(global: Int = 4, perNamespace: Int = 0, perJob: Int = 1) {
        self.global = global
        self.perNamespace = perNamespace
        self.perJob = perJob
    }
}

/// A heartbeat's answer for one supervised run.
public struct LeaseStatus: Sendable, Equatable {
    /// False when the claim was lost (another replica rescued the run, or it ended): stop it
    /// without writing anything more.
    public var held: Bool
    /// True once CancelRun was called for it.
    public var cancelRequested: Bool
}

/// The high-water mark of one table's incremental reads.
public struct JobCursor: Sendable, Equatable {
    public var table: String
    public var column: String
    public var value: String

    public init(table: String, column: String, value: String) {
        self.table = table
        self.column = column
        self.value = value
    }
}

extension RunRepository {
    /// Moves a run from `from` to `to` if it is still in `from` (and, with `fence`, still held by
    /// that claim), applying `update`; nil when it was not (someone else decided first). With
    /// `cursors` (only on success), the job's incremental high-water marks are saved in the same
    /// transaction.
    public func transition(
        _ id: String, from: Dms_V1_RunState, to: Dms_V1_RunState, fence: Int64?, update: RunUpdate = RunUpdate(), cursors: [JobCursor] = []
    ) async throws -> Dms_V1_MigrationJobRun? {
        let uuid = try Self.id(id)
        return try await pool.withTransaction { db in
            guard let run = try Self.move(uuid, from: from, to: to, fence: fence, update: update, in: db) else { return nil }
            for cursor in cursors {
                try db.query(
                    """
                    INSERT INTO job_cursors (migration_job_id, table_name, cursor_column, value, run_id) VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (migration_job_id, table_name) DO UPDATE
                    SET cursor_column = excluded.cursor_column, value = excluded.value, run_id = excluded.run_id, update_time = now()
                    """, UUID(text: run.migrationJobID), cursor.table, cursor.column, cursor.value, uuid)
            }
            return run
        }
    }

    /// The conditional UPDATE behind every state change, with its event. A move to FAILED also
    /// creates the retry the job's policy asks for (``RetryPolicy``), in the same transaction, and
    /// the error says so.
    static func move(
        _ id: UUID, from: Dms_V1_RunState, to: Dms_V1_RunState, fence: Int64?, update: RunUpdate, in db: PostgresConnection
    ) throws -> Dms_V1_MigrationJobRun? {
        guard RunStateMachine.allows(from, to) else {
            throw RPCError(.failedPrecondition, "a run cannot go from \(RunStateMachine.name(from)) to \(RunStateMachine.name(to))")
        }
        let final = RunStateMachine.isFinal(to)
        let retry = to == .failed ? try RetryPolicy.decide(for: id, in: db) : nil
        guard
            let row = try db.query(
                """
                UPDATE migration_job_runs SET state = $3, update_time = clock_timestamp(),
                    start_time = CASE WHEN $3 = 'running' THEN clock_timestamp() ELSE start_time END,
                    end_time = CASE WHEN $5 THEN clock_timestamp() ELSE end_time END,
                    lease_expire_time = CASE WHEN $5 THEN NULL ELSE lease_expire_time END,
                    error = coalesce($6, error) || $10, spark_application_id = coalesce($7, spark_application_id),
                    metrics = coalesce($8, metrics), progress = coalesce($9, progress)
                WHERE id = $1 AND state = $2 AND ($4::int8 IS NULL OR fence = $4)
                RETURNING \(columns)
                """, id, RunStateMachine.name(from), RunStateMachine.name(to), fence, final, update.error, update.sparkApplicationID,
                try Self.bytes(update.metrics), try Self.bytes(update.progress), retry?.note ?? ""
            ).first
        else { return nil }
        let run = try Self.run(row)
        try RunEvents.record(.stateChanged, run: run, previous: from, in: db)
        if let retry, let next = retry.next {
            try Self.createRetry(of: id, as: next.id, after: next.delaySeconds, in: db)
        }
        return run
    }

    /// The next attempt of the failed run `id`: FRESH, trigger RETRY, claimable after `delay`.
    private static func createRetry(of id: UUID, as retryID: UUID, after delay: Double, in db: PostgresConnection) throws {
        guard
            let row = try db.query(
                """
                INSERT INTO migration_job_runs (id, migration_job_id, namespace, state, trigger, scheduled_time, attempt,
                    retry_of_run_id, not_before, ticks, first_tick_time)
                SELECT $1, migration_job_id, namespace, 'fresh', 'retry', scheduled_time, attempt + 1, id,
                    now() + make_interval(secs => $3), ticks, first_tick_time
                FROM migration_job_runs WHERE id = $2
                RETURNING \(columns)
                """, retryID, id, delay
            ).first
        else { throw PostgresError(code: .unexpectedResult, message: "INSERT … RETURNING returned no row") }
        try RunEvents.record(.created, run: try Self.run(row), previous: nil, in: db)
    }

    /// Queues every FRESH run (they need nothing checked yet that the schema does not already
    /// guarantee); returns how many.
    @discardableResult
    public func queueFresh() async throws -> Int {
        try await pool.withTransaction { db in
            let rows = try db.query(
                """
                UPDATE migration_job_runs SET state = 'queued', update_time = now()
                WHERE id IN (SELECT id FROM migration_job_runs WHERE state = 'fresh' ORDER BY create_time LIMIT 500 FOR UPDATE SKIP LOCKED)
                RETURNING \(Self.columns)
                """)
            for row in rows { try RunEvents.record(.stateChanged, run: try Self.run(row), previous: .fresh, in: db) }
            return rows.count
        }
    }

    /// Claims QUEUED runs for `replica` (they become RUNNING under a new fence and a lease), oldest
    /// first, within `limits` counted over every replica. Claims are serialized by one advisory
    /// lock so that two replicas cannot both take the last slot.
    public func claimQueued(replica: String, limits: RunLimits, lease: Duration, max: Int) async throws -> [ClaimedRun] {
        guard max > 0 else { return [] }
        return try await pool.withTransaction { db in
            try db.query("SELECT pg_advisory_xact_lock($1)", RunEvents.claimLockKey)
            var running = 0
            var byNamespace = [String: Int]()
            var byJob = [String: Int]()
            for row in try db.query(
                "SELECT namespace, migration_job_id::text AS job, count(*) AS n FROM migration_job_runs WHERE state = 'running' GROUP BY 1, 2")
            {
                let count = Int(try row.int64("n"))
                running += count
                byNamespace[try row.string("namespace"), default: 0] += count
                byJob[try row.string("job"), default: 0] += count
            }
            guard running < limits.global else { return [] }
            let candidates = try db.query(
                """
                SELECT id::text AS id, namespace, migration_job_id::text AS job FROM migration_job_runs
                WHERE state = 'queued' AND not_before <= now() ORDER BY create_time, id LIMIT 500 FOR UPDATE SKIP LOCKED
                """)
            var claimed = [ClaimedRun]()
            for candidate in candidates {
                guard claimed.count < max, running < limits.global else { break }
                let namespace = try candidate.string("namespace")
                let job = try candidate.string("job")
                if limits.perNamespace > 0, byNamespace[namespace, default: 0] >= limits.perNamespace { continue }
                if limits.perJob > 0, byJob[job, default: 0] >= limits.perJob { continue }
                guard
                    let row = try db.query(
                        """
                        UPDATE migration_job_runs SET state = 'running', replica = $2, fence = fence + 1,
                            lease_expire_time = clock_timestamp() + make_interval(secs => $3), start_time = clock_timestamp(),
                            update_time = clock_timestamp()
                        WHERE id = $1::uuid AND state = 'queued' RETURNING \(Self.columns)
                        """, try candidate.string("id"), replica, Self.seconds(lease)
                    ).first
                else { continue }
                let run = try Self.run(row)
                try RunEvents.record(.stateChanged, run: run, previous: .queued, in: db)
                claimed.append(ClaimedRun(run: run, fence: try row.int64("fence")))
                running += 1
                byNamespace[namespace, default: 0] += 1
                byJob[job, default: 0] += 1
            }
            return claimed
        }
    }

    /// Renews the leases of the runs `replica` supervises and says, for each, whether it still
    /// holds it and whether a cancel was requested.
    public func heartbeat(_ runs: [(id: String, fence: Int64)], lease: Duration) async throws -> [String: LeaseStatus] {
        guard !runs.isEmpty else { return [:] }
        return try await pool.withConnection { db in
            var status = [String: LeaseStatus]()
            for (id, fence) in runs {
                let row = try db.query(
                    """
                    UPDATE migration_job_runs SET lease_expire_time = clock_timestamp() + make_interval(secs => $3)
                    WHERE id = $1::uuid AND fence = $2 AND state = 'running' RETURNING cancel_requested
                    """, id, fence, Self.seconds(lease)
                ).first
                status[id] = LeaseStatus(held: row != nil, cancelRequested: (try row?.bool("cancel_requested")) ?? false)
            }
            return status
        }
    }

    /// Records progress, metrics or the Spark application id of a RUNNING run held with `fence`;
    /// false when the claim was lost.
    @discardableResult
    public func record(_ update: RunUpdate, of id: String, fence: Int64) async throws -> Bool {
        guard !update.isEmpty else { return true }
        let uuid = try Self.id(id)
        return try await pool.withTransaction { db in
            guard
                let row = try db.query(
                    """
                    UPDATE migration_job_runs SET update_time = now(), error = coalesce($3, error),
                        spark_application_id = coalesce($4, spark_application_id), metrics = coalesce($5, metrics),
                        progress = coalesce($6, progress)
                    WHERE id = $1 AND fence = $2 AND state = 'running' RETURNING \(Self.columns)
                    """, uuid, fence, update.error, update.sparkApplicationID, try Self.bytes(update.metrics),
                    try Self.bytes(update.progress)
                ).first
            else { return false }
            let kind: Dms_V1_RunEvent.Kind = update.metrics != nil || update.progress != nil ? .progress : .updated
            try RunEvents.record(kind, run: try Self.run(row), previous: nil, in: db)
            return true
        }
    }

    /// The incremental high-water marks of a job, by table.
    public func cursors(jobID: String) async throws -> [JobCursor] {
        let id = try Self.id(jobID, field: "migration_job_id")
        return try await pool.withConnection { db in
            try db.query("SELECT table_name, cursor_column, value FROM job_cursors WHERE migration_job_id = $1 ORDER BY table_name", id).map {
                JobCursor(table: try $0.string("table_name"), column: try $0.string("cursor_column"), value: try $0.string("value"))
            }
        }
    }

    static func bytes(_ message: (some SwiftProtobuf.Message)?) throws -> Data? {
        try message.map { try $0.serializedBytes() }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
