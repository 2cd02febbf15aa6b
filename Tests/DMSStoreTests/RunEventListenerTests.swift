import DMSPostgres
import DMSProto
@testable import DMSStore
import Foundation
import Logging
import Synchronization
import Testing

/// LISTEN/NOTIFY for run events, against a real PostgreSQL: a change committed through any
/// connection reaches the listener, and a listener whose connection is killed comes back.
@Suite struct RunEventListenerTests {
    /// Counts the listener's calls.
    final class Calls: Sendable {
        let count = Atomic<Int>(0)
        func wait(beyond value: Int, _ stage: String) async throws -> Int {
            for _ in 0..<1200 {
                let now = count.load(ordering: .relaxed)
                if now > value { return now }
                try await Task.sleep(for: .milliseconds(50))
            }
            throw PostgresError(code: .unexpectedResult, message: "the listener was not called within 60 s (\(stage); calls: \(count.load(ordering: .relaxed)))")
        }
    }

    @Test func aCommittedRunEventReachesTheListenerAndItSurvivesALostConnection() async throws {
        let test = try await TestStore.open()
        let connection = try await test.postgresConnection()
        let job = try await test.job(source: try await test.source(connection: connection), target: try await test.target(connection: connection))
        let calls = Calls()
        let listener = RunEventListener(conninfo: test.url, logger: Logger(label: "test"))
        listener.start { calls.count.add(1, ordering: .relaxed) }
        defer { listener.stop() }
        // Listening has begun once its session has run LISTEN.
        for _ in 0..<1200 {
            let listening = try await test.pool.withConnection { db in
                try db.query(
                    """
                    SELECT count(*) AS n FROM pg_stat_activity
                    WHERE application_name = 'dmsd-listener' AND datname = current_database() AND query LIKE 'LISTEN%'
                    """
                ).first!.int64("n")
            }
            if listening > 0 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(calls.count.load(ordering: .relaxed) == 0)
        _ = try await test.store.runs.createManual(job: job)
        let first = try await calls.wait(beyond: 0, "first event")

        // Its connection is killed: it reconnects, says so (notifications may have been missed),
        // and hears the next event.
        try await test.pool.withConnection { db in
            _ = try db.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'dmsd-listener' AND datname = current_database()")
        }
        _ = try await calls.wait(beyond: first, "reconnect")
        try await Task.sleep(for: .milliseconds(200))
        let before = calls.count.load(ordering: .relaxed)
        _ = try await test.store.runs.createManual(job: job)
        _ = try await calls.wait(beyond: before, "event after the reconnect")
    }
}
