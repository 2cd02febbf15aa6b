import DMSPostgres
import Foundation

/// What happens after a run fails: another attempt (a new run, trigger RETRY, linked to the one it
/// repeats) while the job's `max_attempts` allows, after an exponential backoff with jitter.
///
/// Attempt n+1 waits a uniformly random time between half and all of
/// `retry_backoff_seconds × 2^(n-1)`, at most ``maximumDelaySeconds``: the jitter spreads the
/// retries of jobs that failed together (a database restart) instead of stampeding them back.
/// Cancelled runs are not retried; a retry is created in the same transaction as the failure, so
/// it exists exactly once whichever replica recorded the failure.
public struct RetryPolicy: Sendable, Equatable {
    /// The longest wait before a retry.
    public static let maximumDelaySeconds = 86_400.0

    /// The retry to create, if any.
    public struct Next: Sendable, Equatable {
        public var id: UUID
        public var attempt: Int
        public var delaySeconds: Double
    }

    /// Nil when no attempt is left.
    public var next: Next?
    /// What the failed run's error gets appended (empty for jobs without retries).
    public var note: String

    /// The decision for a run that failed on `attempt` of `maxAttempts`, with base backoff
    /// `backoffSeconds`; `jitter` is a number in [0, 1).
    public init(attempt: Int, maxAttempts: Int, backoffSeconds: Double, jitter: Double, retryID: UUID = UUID()) {
        guard maxAttempts > 1 else {
            next = nil
            note = ""
            return
        }
        guard attempt < maxAttempts else {
            next = nil
            note = " (attempt \(attempt) of \(maxAttempts): no retry left)"
            return
        }
        let ceiling = min(Self.maximumDelaySeconds, backoffSeconds * pow(2, Double(max(0, attempt - 1))))
        let delay = (ceiling / 2) * (1 + min(max(jitter, 0), 1))
        next = Next(id: retryID, attempt: attempt + 1, delaySeconds: delay)
        note = " (attempt \(attempt) of \(maxAttempts): retrying as run \(retryID.text) in \(Self.describe(seconds: delay)))"
    }

    /// The decision for the run `id` about to fail, from its job's settings.
    static func decide(for id: UUID, in db: PostgresConnection) throws -> RetryPolicy? {
        guard
            let row = try db.query(
                """
                SELECT r.attempt, j.max_attempts, j.retry_backoff_seconds FROM migration_job_runs r
                JOIN migration_jobs j ON j.id = r.migration_job_id WHERE r.id = $1
                """, id
            ).first
        else { return nil }
        return RetryPolicy(
            attempt: Int(try row.int64("attempt")), maxAttempts: Int(try row.int64("max_attempts")),
            backoffSeconds: Double(try row.int64("retry_backoff_seconds")), jitter: Double.random(in: 0..<1))
    }

    static func describe(seconds: Double) -> String {
        switch seconds {
        case ..<10: String(format: "%.1f s", seconds)
        case ..<120: "\(Int(seconds.rounded())) s"
        case ..<7200: "\(Int((seconds / 60).rounded())) min"
        default: "\(Int((seconds / 3600).rounded())) h"
        }
    }
}
