import DMSPostgres
import DMSProto
import DMSWire
import Foundation
import SwiftProtobuf

/// The log of run changes that WatchRuns streams: one row per change, numbered in commit order.
///
/// `run_events.sequence` is a bigserial, and sequences are handed out before commit, so two
/// concurrent writers could commit 11 before 10 and a watcher that read "after 10" would never see
/// 10… but every writer takes one transaction-scoped advisory lock right before it inserts, and
/// holds it to commit: numbers are then taken in commit order, and "after n" misses nothing.
public enum RunEvents {
    /// The advisory lock that orders event writers.
    static let eventLockKey: Int64 = 0x444D_5345_5645_4E54  // "DMSEVENT"
    /// The advisory lock that serializes claims of queued runs (so limits hold across replicas).
    static let claimLockKey: Int64 = 0x444D_5343_4C41_494D  // "DMSCLAIM"
    /// The channel every event is announced on (`LISTEN dms_run_events`).
    public static let channel = "dms_run_events"

    /// Appends the event for a change of `run`, within the caller's transaction.
    static func record(_ kind: Dms_V1_RunEvent.Kind, run: Dms_V1_MigrationJobRun, previous: Dms_V1_RunState?, in db: PostgresConnection) throws {
        var event = Dms_V1_RunEvent()
        event.kind = kind
        event.run = run
        event.time = run.updateTime
        if let previous { event.previousState = previous }
        try db.query("SELECT pg_advisory_xact_lock($1)", eventLockKey)
        try db.query(
            "INSERT INTO run_events (run_id, migration_job_id, namespace, event) VALUES ($1::uuid, $2::uuid, $3, $4)",
            run.id, run.migrationJobID, run.namespace, try event.serializedBytes() as Data)
        try db.query("SELECT pg_notify($1, '')", channel)
    }

    /// The newest event's sequence (0 when there is none).
    static func latestSequence(in db: PostgresConnection) throws -> UInt64 {
        UInt64(try db.query("SELECT coalesce(max(sequence), 0) AS s FROM run_events").first?.int64("s") ?? 0)
    }
}

/// Which events a watcher wants.
public struct RunEventFilter: Sendable, Equatable {
    public var namespace: String?
    public var jobID: UUID?
    public var runID: UUID?

    public init(namespace: String?, jobID: UUID?, runID: UUID?) {
        self.namespace = namespace
        self.jobID = jobID
        self.runID = runID
    }
}

extension RunRepository {
    /// The newest event's sequence, and the oldest one still kept (0 when none).
    public func eventBounds() async throws -> (oldest: UInt64, latest: UInt64) {
        try await pool.withConnection { db in
            let row = try db.query("SELECT coalesce(min(sequence), 0) AS oldest, coalesce(max(sequence), 0) AS latest FROM run_events").first
            return (UInt64(try row?.int64("oldest") ?? 0), UInt64(try row?.int64("latest") ?? 0))
        }
    }

    /// Up to `limit` events after `sequence` that match `filter`, oldest first, each with its
    /// sequence set.
    public func events(after sequence: UInt64, matching filter: RunEventFilter, limit: Int = 500) async throws -> [Dms_V1_RunEvent] {
        try await pool.withConnection { db in
            try db.query(
                """
                SELECT sequence, event FROM run_events
                WHERE sequence > $1 AND namespace <> '' AND ($2::text IS NULL OR namespace = $2) AND ($3::uuid IS NULL OR migration_job_id = $3)
                  AND ($4::uuid IS NULL OR run_id = $4)
                ORDER BY sequence LIMIT $5
                """, Int64(clamping: sequence), filter.namespace, filter.jobID, filter.runID, limit
            ).map { row in
                var event = try Dms_V1_RunEvent(serializedBytes: try row.bytes("event") ?? Data())
                event.sequence = UInt64(try row.int64("sequence"))
                return event
            }
        }
    }

    /// The runs a watch starts with (WatchRunsRequest.send_current): with a run id that run
    /// whatever its state, otherwise every matching run that has not ended.
    public func current(matching filter: RunEventFilter) async throws -> [Dms_V1_MigrationJobRun] {
        try await pool.withConnection { db in
            try db.query(
                """
                SELECT \(Self.columns) FROM migration_job_runs
                WHERE ($1::text IS NULL OR namespace = $1) AND ($2::uuid IS NULL OR migration_job_id = $2)
                  AND (($3::uuid IS NULL AND state IN ('fresh', 'queued', 'running')) OR id = $3)
                ORDER BY create_time, id LIMIT 10000
                """, filter.namespace, filter.jobID, filter.runID
            ).map(Self.run)
        }
    }

    /// Deletes events older than `age` (never the newest); returns how many.
    @discardableResult
    public func pruneEvents(olderThan age: Duration) async throws -> Int {
        try await pool.withConnection { db in
            try db.query(
                """
                DELETE FROM run_events WHERE create_time < now() - make_interval(secs => $1)
                  AND sequence < (SELECT max(sequence) FROM run_events)
                """, Self.seconds(age)
            ).affectedRows
        }
    }
}
