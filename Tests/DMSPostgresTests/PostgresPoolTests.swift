import DMSPostgres
import DMSTestSupport
import Foundation
import Synchronization
import Testing

@Suite("PostgresPool")
struct PostgresPoolTests {
    @Test("never opens more connections than its bound, however many callers")
    func bounded() async throws {
        let pool = PostgresPool(configuration: .init(conninfo: try TestPostgres.makeDatabase(), maximumConnections: 3))
        defer { pool.close() }
        let peak = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 {
                group.addTask {
                    try await pool.withConnection { connection in
                        peak.raise(to: pool.openConnections)
                        try connection.query("SELECT pg_sleep(0.005)")
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(peak.value <= 3)
        #expect(pool.openConnections <= 3)
    }

    @Test("a transaction that throws leaves nothing behind")
    func rollback() async throws {
        let pool = PostgresPool(configuration: .init(conninfo: try TestPostgres.makeDatabase()))
        defer { pool.close() }
        try await pool.withConnection { try $0.execute(script: "CREATE TABLE t (n int PRIMARY KEY)") }
        await #expect(throws: PostgresError.self) {
            try await pool.withTransaction { connection in
                try connection.query("INSERT INTO t VALUES ($1)", 1)
                try connection.query("INSERT INTO t VALUES ($1)", 1)  // unique violation
            }
        }
        let count = try await pool.withConnection { try $0.query("SELECT count(*) AS n FROM t").first!.int64("n") }
        #expect(count == 0)
    }

    @Test("serialization failures are retried until the transaction commits")
    func serializationRetried() async throws {
        let pool = PostgresPool(configuration: .init(conninfo: try TestPostgres.makeDatabase(), maximumConnections: 8))
        defer { pool.close() }
        try await pool.withConnection { try $0.execute(script: "CREATE TABLE counter (n int8 NOT NULL); INSERT INTO counter VALUES (0)") }
        let attempts = Counter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await pool.withTransaction(isolation: .serializable, attempts: 50) { connection in
                        attempts.add(1)
                        let n = try connection.query("SELECT n FROM counter").first!.int64("n")
                        try connection.query("SELECT pg_sleep(0.01)")
                        try connection.query("UPDATE counter SET n = $1", n + 1)
                    }
                }
            }
            try await group.waitForAll()
        }
        let final = try await pool.withConnection { try $0.query("SELECT n FROM counter").first!.int64("n") }
        #expect(final == 8)  // no lost update
        #expect(attempts.value > 8)  // some were retried
    }

    @Test("a connection killed by the server is replaced on the next call")
    func heals() async throws {
        let pool = PostgresPool(configuration: .init(conninfo: try TestPostgres.makeDatabase(), maximumConnections: 1))
        defer { pool.close() }
        let pid = try await pool.withConnection { try $0.query("SELECT pg_backend_pid() AS p").first!.int64("p") }
        let killer = try PostgresConnection(conninfo: pool.configuration.conninfo)
        try killer.query("SELECT pg_terminate_backend($1::int)", pid)
        let failure = await #expect(throws: PostgresError.self) {
            try await pool.withConnection { try $0.query("SELECT 1 AS one") }
        }
        #expect(failure?.code.isConnectionLoss == true)
        let newPID = try await pool.withConnection { try $0.query("SELECT pg_backend_pid() AS p").first!.int64("p") }
        #expect(newPID != pid)
    }

    @Test("a caller cancelled while waiting for a connection leaves the queue")
    func cancelledWaiter() async throws {
        let pool = PostgresPool(configuration: .init(conninfo: try TestPostgres.makeDatabase(), maximumConnections: 1))
        defer { pool.close() }
        let holding = Task { try await pool.withConnection { try $0.query("SELECT pg_sleep(0.3)") } }
        try await Task.sleep(for: .milliseconds(50))
        let waiting = Task { try await pool.withConnection { try $0.query("SELECT 1 AS one") } }
        waiting.cancel()
        await #expect(throws: CancellationError.self) { try await waiting.value }
        _ = try await holding.value
        #expect(try await pool.withConnection { try $0.query("SELECT 1 AS one").count } == 1)
    }
}

/// A number tasks may change concurrently.
final class Counter: Sendable {
    private let storage = Mutex(0)

    var value: Int { storage.withLock { $0 } }

    func add(_ amount: Int) { storage.withLock { $0 += amount } }

    func raise(to candidate: Int) { storage.withLock { $0 = max($0, candidate) } }
}
