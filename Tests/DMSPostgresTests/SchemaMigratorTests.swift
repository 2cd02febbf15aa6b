import DMSPostgres
import DMSTestSupport
import Foundation
import Logging
import Testing

@Suite("SchemaMigrator")
struct SchemaMigratorTests {
    static let migrations = [
        SchemaMigration(version: 1, name: "first", sql: "CREATE TABLE a (n int); INSERT INTO a VALUES (1);"),
        SchemaMigration(version: 2, name: "second", sql: "CREATE TABLE b (n int); INSERT INTO a VALUES (2);"),
    ]

    @Test("migrations apply once, in order; a second pass applies nothing")
    func appliesOnce() async throws {
        let pool = PostgresPool(configuration: .init(conninfo: try TestPostgres.makeDatabase()))
        defer { pool.close() }
        let migrator = SchemaMigrator(migrations: Self.migrations.reversed(), logger: Logger(label: "test"))
        #expect(try await migrator.migrate(pool) == [1, 2])
        #expect(try await migrator.migrate(pool) == [])
        let rows = try await pool.withConnection { try $0.query("SELECT count(*) AS n FROM a").first!.int64("n") }
        #expect(rows == 2)
    }

    @Test("migrators starting at the same moment apply each migration exactly once")
    func concurrentStarts() async throws {
        let url = try TestPostgres.makeDatabase()
        let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<4 {
                group.addTask {
                    let pool = PostgresPool(configuration: .init(conninfo: url))
                    defer { pool.close() }
                    return try await SchemaMigrator(migrations: Self.migrations, logger: Logger(label: "test")).migrate(pool)
                }
            }
            return try await group.reduce(into: [Int]()) { $0 += $1 }
        }
        #expect(applied.sorted() == [1, 2])
        let connection = try PostgresConnection(conninfo: url)
        #expect(try connection.query("SELECT count(*) AS n FROM a").first?.int64("n") == 2)
    }

    @Test("a failing migration rolls back entirely and is not recorded")
    func failingMigration() async throws {
        let pool = PostgresPool(configuration: .init(conninfo: try TestPostgres.makeDatabase()))
        defer { pool.close() }
        let broken = Self.migrations + [SchemaMigration(version: 3, name: "broken", sql: "CREATE TABLE c (n int); SELECT no_such_function();")]
        await #expect(throws: MigrationError.self) {
            try await SchemaMigrator(migrations: broken, logger: Logger(label: "test")).migrate(pool)
        }
        let state = try await pool.withConnection { connection in
            (try connection.query("SELECT max(version) AS v FROM dms_schema_migrations").first!.int64("v"),
             try connection.query("SELECT to_regclass('c') IS NULL AS missing").first!.bool("missing"))
        }
        #expect(state.0 == 2)
        #expect(state.1)
    }

    @Test("a changed migration or one from a newer dmsd is refused")
    func refusesDrift() async throws {
        let pool = PostgresPool(configuration: .init(conninfo: try TestPostgres.makeDatabase()))
        defer { pool.close() }
        try await SchemaMigrator(migrations: Self.migrations, logger: Logger(label: "test")).migrate(pool)
        let edited = [Self.migrations[0], SchemaMigration(version: 2, name: "second", sql: "CREATE TABLE b2 (n int);")]
        let changed = await #expect(throws: MigrationError.self) {
            try await SchemaMigrator(migrations: edited, logger: Logger(label: "test")).migrate(pool)
        }
        #expect(changed?.description.contains("differs") == true)
        let older = await #expect(throws: MigrationError.self) {
            try await SchemaMigrator(migrations: [Self.migrations[0]], logger: Logger(label: "test")).migrate(pool)
        }
        #expect(older?.description.contains("newer dmsd") == true)
    }
}
