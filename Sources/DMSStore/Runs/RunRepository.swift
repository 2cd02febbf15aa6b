import DMSPostgres
import DMSProto
import DMSWire
import Foundation
import SwiftProtobuf

/// Migration Job Runs: created by RunJob, schedule ticks and retries, moved through
/// their states by the replica that supervises them, read, listed and cancelled by clients. Every
/// change is one conditional UPDATE that names the state it expects (``RunStateMachine``) and
/// writes a ``Dms_V1_RunEvent`` in the same transaction, which is what WatchRuns streams.
public struct RunRepository: Sendable {
    let pool: PostgresPool

    static let columns = """
        id::text AS id, migration_job_id::text AS migration_job_id, namespace, state, trigger, attempt,
        coalesce(retry_of_run_id::text, '') AS retry_of_run_id, error, spark_application_id, metrics, progress,
        cancel_requested, replica, fence, log_bytes, ticks, skipped, coalesce(overlapped_run_id::text, '') AS overlapped_run_id,
        \(SQLFragments.time("scheduled_time")), \(SQLFragments.time("first_tick_time")), \(SQLFragments.time("create_time")),
        \(SQLFragments.time("update_time")), \(SQLFragments.time("start_time")), \(SQLFragments.time("end_time"))
        """

    // MARK: Create

    /// A new manual run of `job` (state FRESH); the dispatcher queues it.
    public func createManual(job: Dms_V1_MigrationJob) async throws -> Dms_V1_MigrationJobRun {
        let id = UUID()
        do {
            return try await pool.withTransaction { db in
                guard
                    let row = try db.query(
                        """
                        INSERT INTO migration_job_runs (id, migration_job_id, namespace, state, trigger)
                        VALUES ($1, $2, $3, 'fresh', 'manual') RETURNING \(Self.columns)
                        """, id, UUID(text: job.id), job.namespace
                    ).first
                else { throw PostgresError(code: .unexpectedResult, message: "INSERT … RETURNING returned no row") }
                let run = try Self.run(row)
                try RunEvents.record(.created, run: run, previous: nil, in: db)
                return run
            }
        } catch let error as PostgresError where error.code == .foreignKeyViolation {
            throw RPCError(.notFound, "migration job \(job.namespace)/\(job.name) was deleted meanwhile")
        }
    }

    // MARK: Read

    /// One run within `scope`.
    public func get(id text: String, scope: AccessScope) async throws -> Dms_V1_MigrationJobRun {
        let id = try Self.id(text)
        let row = try await pool.withConnection { db in
            try db.query(
                "SELECT \(Self.columns) FROM migration_job_runs WHERE id = $1 AND ($2::text IS NULL OR namespace = $2)", id, scope.namespace
            ).first
        }
        guard let row else { throw RPCError(.notFound, "no run \(text)") }
        return try Self.run(row)
    }

    /// A page of runs, newest first, with the event sequence at the moment of the listing.
    public func list(_ request: Dms_V1_ListRunsRequest, namespace: String?) async throws -> Dms_V1_ListRunsResponse {
        let size = try Paging.size(request.pageSize)
        let after = try Self.pagePosition(request.pageToken)
        var violations = [RPCError.FieldViolation]()
        var jobID: UUID?
        if !request.migrationJobID.isEmpty {
            jobID = UUID(text: request.migrationJobID)
            if jobID == nil { violations.append(.init(field: "migration_job_id", description: "is not an id of this server (a UUID)")) }
        }
        var states = [String]()
        for (index, state) in request.states.enumerated() {
            guard RunStateMachine.state(named: RunStateMachine.name(state)) != nil else {
                violations.append(.init(field: "states[\(index)]", description: "unknown state"))
                continue
            }
            states.append(RunStateMachine.name(state))
        }
        guard violations.isEmpty else { throw RPCError.invalidArgument(violations) }
        let stateFilter = states.isEmpty ? nil : states.joined(separator: ",")
        let job = jobID
        let (rows, sequence) = try await pool.withTransaction { db in
            // The sequence first: every change after it is in the events a watcher resumes from.
            let sequence = try RunEvents.latestSequence(in: db)
            let rows = Array(
                try db.query(
                    """
                    SELECT \(Self.columns) FROM migration_job_runs
                    WHERE ($1::int8 IS NULL OR (floor(extract(epoch FROM create_time) * 1000000))::int8 < $1
                           OR ((floor(extract(epoch FROM create_time) * 1000000))::int8 = $1 AND id < $2::uuid))
                      AND ($3::text IS NULL OR namespace = $3) AND ($4::uuid IS NULL OR migration_job_id = $4)
                      AND ($5::text IS NULL OR state = ANY (string_to_array($5, ',')))
                    ORDER BY create_time DESC, id DESC LIMIT $6
                    """, after?.createMicros, after?.id, namespace, job, stateFilter, size + 1))
            return (rows, sequence)
        }
        let page = Paging.page(rows, size: size) { row in
            "\((try? row.int64("create_time_us")) ?? 0)\t\((try? row.string("id")) ?? "")"
        }
        var response = Dms_V1_ListRunsResponse()
        response.runs = try page.rows.map(Self.run)
        response.nextPageToken = page.next
        response.eventSequence = sequence
        return response
    }

    // MARK: Cancel

    /// Cancels a run: one that has not started becomes CANCELLED at once; a RUNNING one is marked
    /// `cancel_requested`, and its supervisor stops the Spark application and moves it. A run that
    /// has ended is FAILED_PRECONDITION.
    public func requestCancel(id text: String, scope: AccessScope) async throws -> Dms_V1_MigrationJobRun {
        let id = try Self.id(text)
        return try await pool.withTransaction { db in
            guard
                let row = try db.query(
                    "SELECT \(Self.columns) FROM migration_job_runs WHERE id = $1 AND ($2::text IS NULL OR namespace = $2) FOR UPDATE",
                    id, scope.namespace
                ).first
            else { throw RPCError(.notFound, "no run \(text)") }
            let current = try Self.run(row)
            try scope.checkWrite(current.namespace)
            switch current.state {
            case .fresh, .queued:
                var update = RunUpdate()
                update.error = "cancelled before it started"
                guard let cancelled = try Self.move(id, from: current.state, to: .cancelled, fence: nil, update: update, in: db) else {
                    throw RPCError(.aborted, "run \(text) changed meanwhile; try again")
                }
                return cancelled
            case .running:
                if current.cancelRequested { return current }
                guard
                    let row = try db.query(
                        """
                        UPDATE migration_job_runs SET cancel_requested = true, update_time = now()
                        WHERE id = $1 AND state = 'running' RETURNING \(Self.columns)
                        """, id
                    ).first
                else { throw RPCError(.aborted, "run \(text) changed meanwhile; try again") }
                let run = try Self.run(row)
                try RunEvents.record(.updated, run: run, previous: nil, in: db)
                return run
            default:
                throw RPCError(.failedPrecondition, "run \(text) has already ended (\(RunStateMachine.name(current.state)))")
            }
        }
    }

    // MARK: Rows

    static func id(_ text: String, field: String = "id") throws -> UUID {
        guard !text.isEmpty else { throw RPCError.invalidArgument([.init(field: field, description: "required")]) }
        guard let id = UUID(text: text) else {
            throw RPCError.invalidArgument([.init(field: field, description: "is not an id of this server (a UUID)")])
        }
        return id
    }

    static func run(_ row: PostgresRow) throws -> Dms_V1_MigrationJobRun {
        var run = Dms_V1_MigrationJobRun()
        run.id = try row.string("id")
        run.migrationJobID = try row.string("migration_job_id")
        run.namespace = try row.string("namespace")
        guard let state = RunStateMachine.state(named: try row.string("state")) else {
            throw PostgresError(code: .unexpectedResult, message: "unknown run state")
        }
        run.state = state
        run.trigger =
            switch try row.string("trigger") {
            case "schedule": .schedule
            case "retry": .retry
            default: .manual
            }
        run.attempt = Int32(try row.int64("attempt"))
        run.retryOfRunID = try row.string("retry_of_run_id")
        run.error = try row.string("error")
        run.sparkApplicationID = try row.string("spark_application_id")
        if let metrics = try row.bytes("metrics"), !metrics.isEmpty { run.metrics = try Dms_V1_RunMetrics(serializedBytes: metrics) }
        if let progress = try row.bytes("progress"), !progress.isEmpty { run.progress = try Dms_V1_RunProgress(serializedBytes: progress) }
        run.cancelRequested = try row.bool("cancel_requested")
        run.replica = try row.string("replica")
        if let time = try row.optionalTimestamp("scheduled_time_us") { run.scheduledTime = time }
        run.ticks = Int32(try row.int64("ticks"))
        if let time = try row.optionalTimestamp("first_tick_time_us") { run.firstTickTime = time }
        run.skipped = try row.bool("skipped")
        run.overlappedRunID = try row.string("overlapped_run_id")
        run.createTime = try row.timestamp("create_time_us")
        run.updateTime = try row.timestamp("update_time_us")
        if let time = try row.optionalTimestamp("start_time_us") { run.startTime = time }
        if let time = try row.optionalTimestamp("end_time_us") { run.endTime = time }
        return run
    }

    private static func pagePosition(_ token: String) throws -> (createMicros: Int64, id: UUID)? {
        let key = try Paging.after(token)
        guard !key.isEmpty else { return nil }
        let parts = key.split(separator: "\t")
        guard parts.count == 2, let micros = Int64(parts[0]), let id = UUID(text: String(parts[1])) else {
            throw RPCError.invalidArgument([.init(field: "page_token", description: "is not a page token of this list")])
        }
        return (micros, id)
    }
}
