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

    /// The statements wait on an advisory lock the test holds (on a connection of its own), so
    /// they are blocked in the database for as long as the test says; more of them than the
    /// machine has cores.
    @Test("statements blocked in the database do not hold up another caller while connections are free")
    func blockedStatementsDoNotStarveOthers() async throws {
        let blockers = ProcessInfo.processInfo.activeProcessorCount + 1
        let conninfo = try TestPostgres.makeDatabase()
        let pool = PostgresPool(configuration: .init(conninfo: conninfo, maximumConnections: blockers + 1))
        let holder = PostgresPool(configuration: .init(conninfo: conninfo, maximumConnections: 1))
        defer {
            pool.close()
            holder.close()
        }
        _ = try await holder.withConnection { try $0.query("SELECT pg_advisory_lock(42)") }
        let blocked = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<blockers {
                    group.addTask { _ = try await pool.withConnection { try $0.query("SELECT pg_advisory_lock_shared(42)") } }
                }
                try await group.waitForAll()
            }
        }
        // Of this test's database only: other tests share the server and take advisory locks too.
        let waiting = """
            SELECT count(*) AS n FROM pg_locks
            WHERE locktype = 'advisory' AND NOT granted
              AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
            """
        func waitingCount() async throws -> Int64 { try await holder.withConnection { try $0.query(waiting).first!.int64("n") } }
        // Waits until the database shows every blocker waiting on the lock (20 s at most).
        var seen: Int64 = 0
        for _ in 0..<2000 where seen < blockers {
            seen = try await waitingCount()
            if seen < blockers { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(seen == Int64(blockers), "only \(seen) of \(blockers) statements reached the database")
        // Another caller is served while they wait: it does not need the lock to be released.
        let release = Task {
            try await Task.sleep(for: .seconds(20))  // only if the caller is stuck: the test then fails below
            _ = try await holder.withConnection { try $0.query("SELECT pg_advisory_unlock(42)") }
        }
        let one = try await pool.query("SELECT 1 AS one", []).first?.int64("one")
        let stillWaiting = try await waitingCount()
        release.cancel()
        #expect(one == 1)
        #expect(stillWaiting == Int64(blockers), "the caller was answered only after the blocked statements went on")
        _ = try await holder.withConnection { try $0.query("SELECT pg_advisory_unlock(42)") }
        try await blocked.value
    }

    @Test("query answers alike whether the statement is prepared on the connection yet (waited for) or not (sent first)")
    func querySentOrWaited() async throws {
        let pool = PostgresPool(configuration: .init(conninfo: try TestPostgres.makeDatabase(), maximumConnections: 1))
        defer { pool.close() }
        try await pool.withConnection { try $0.execute(script: "CREATE TABLE t (n int PRIMARY KEY, label text)") }
        let insert = "INSERT INTO t VALUES ($1, $2) RETURNING n, label"
        // The first prepares the statement on the pool's one connection; the others are sent.
        for n in 1...5 {
            let label: String? = n == 3 ? nil : "row \(n)"
            let row = try await pool.query(insert, [n, label]).first
            #expect(try row?.int64("n") == Int64(n))
            #expect(try row?.text("label") == label)
        }
        let all = try await pool.query("SELECT n FROM t WHERE n > $1 ORDER BY n", [0])
        #expect(try all.map { try $0.int64("n") } == [1, 2, 3, 4, 5])
        let none = try await pool.query("SELECT n FROM t WHERE n > $1 ORDER BY n", [5])
        #expect(none.isEmpty)
    }

    @Test("an error in a sent statement is the server's error, and the connection goes on serving")
    func querySentFails() async throws {
        let pool = PostgresPool(configuration: .init(conninfo: try TestPostgres.makeDatabase(), maximumConnections: 1))
        defer { pool.close() }
        try await pool.withConnection { try $0.execute(script: "CREATE TABLE t (n int PRIMARY KEY)") }
        let insert = "INSERT INTO t VALUES ($1) RETURNING n"
        _ = try await pool.query(insert, [1])  // prepared; the next ones are sent
        let duplicate = await #expect(throws: PostgresError.self) { try await pool.query(insert, [1]) }
        #expect(duplicate?.code == .uniqueViolation)
        let division = "SELECT 10 / $1::int AS q"
        #expect(try await pool.query(division, [5]).first?.int64("q") == 2)
        let byZero = await #expect(throws: PostgresError.self) { try await pool.query(division, [0]) }
        #expect(byZero?.code == PostgresError.Code("22012"))  // division_by_zero
        #expect(try await pool.query(insert, [2]).first?.int64("n") == 2)
        #expect(try await pool.query("SELECT count(*) AS c FROM t", []).first?.int64("c") == 2)
    }

    @Test("a sent statement on a connection the server killed fails as a lost connection, and the pool heals")
    func querySentOnAKilledConnection() async throws {
        let pool = PostgresPool(configuration: .init(conninfo: try TestPostgres.makeDatabase(), maximumConnections: 1))
        defer { pool.close() }
        let backend = "SELECT pg_backend_pid() AS p WHERE $1::int = 1"
        let pid = try await pool.query(backend, [1]).first!.int64("p")
        let killer = try PostgresConnection(conninfo: pool.configuration.conninfo)
        try killer.query("SELECT pg_terminate_backend($1::int)", pid)
        let failure = await #expect(throws: PostgresError.self) { try await pool.query(backend, [1]) }
        #expect(failure?.code.isConnectionLoss == true)
        let newPID = try await pool.query(backend, [1]).first!.int64("p")
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
