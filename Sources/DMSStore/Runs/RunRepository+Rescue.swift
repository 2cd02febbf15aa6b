import DMSPostgres
import DMSProto
import Foundation

/// A run whose supervising replica stopped renewing its lease, as another replica found it.
public struct RescuedRun: Sendable, Equatable {
    /// The run as it was failed.
    public var run: Dms_V1_MigrationJobRun
    /// The replica that lost it.
    public var lostBy: String
}

extension RunRepository {
    /// Fails every RUNNING run whose lease expired by the database's clock: its replica crashed,
    /// was killed, or lost the database for longer than a lease. The failure names that replica
    /// and goes into the run's log; the job's retry policy then applies (``RetryPolicy``).
    ///
    /// Safe against the replica coming back: the move names the fence the run had, and a
    /// replica that cannot renew its leases stops its Spark applications before they expire
    /// (the dispatcher's self-fencing), so a rescued run and its retry never run at once.
    public func rescueExpiredLeases(by replica: String, batch: Int = 100) async throws -> [RescuedRun] {
        try await pool.withTransaction { db in
            let expired = try db.query(
                """
                SELECT id, fence, replica, \(SQLFragments.time("lease_expire_time")) FROM migration_job_runs
                WHERE state = 'running' AND lease_expire_time < now()
                ORDER BY lease_expire_time LIMIT $1 FOR UPDATE SKIP LOCKED
                """, batch)
            var rescued = [RescuedRun]()
            for row in expired {
                guard let id = UUID(text: try row.string("id")) else { continue }
                let lostBy = try row.string("replica")
                let expiry = try row.timestamp("lease_expire_time_us").date
                let reason =
                    "lost: dmsd replica \(lostBy) stopped renewing the run's lease (it crashed, was killed, or lost the database); "
                    + "its Spark application ended with it (lifeline); failed by replica \(replica) when the lease ran out at \(Self.iso(expiry))"
                guard let run = try Self.move(id, from: .running, to: .failed, fence: try row.int64("fence"), update: RunUpdate(error: reason), in: db)
                else { continue }
                // A new fence: the replica that lost the run can write nothing more to it, its log included.
                try db.query("UPDATE migration_job_runs SET fence = fence + 1 WHERE id = $1", id)
                try Self.appendLog("[dms] \(run.error)\n", to: id, in: db)
                rescued.append(RescuedRun(run: run, lostBy: lostBy))
            }
            return rescued
        }
    }
}
