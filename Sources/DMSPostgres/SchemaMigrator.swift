import Crypto
import Foundation
import Logging

/// One numbered schema change.
public struct SchemaMigration: Sendable, Hashable {
    /// Its number; migrations apply in increasing order, each once.
    public let version: Int
    /// A short name, from its file name (`0001_initial.sql` → `initial`).
    public let name: String
    /// The SQL, possibly several statements.
    public let sql: String

    /// Creates a migration.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// SHA-256 of the SQL, hex: recorded when applied, checked on every start.
    public var checksum: String {
        SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Applies numbered migrations at start-up, each once, in order, recorded in `dms_schema_migrations`.
///
/// The whole pass holds a session advisory lock, so a second dmsd starting at the same moment waits
/// for the first and then finds nothing left to do. Each migration and its record commit together.
/// A database that has a migration this dmsd does not know (a newer dmsd ran), or whose recorded
/// checksum differs from the file's, is refused rather than guessed at.
public struct SchemaMigrator: Sendable {
    /// The advisory lock key: "dms" in ASCII, then "migr".
    public static let advisoryLockKey: Int64 = 0x646D_735F_6D69_6772

    let migrations: [SchemaMigration]
    let logger: Logger

    /// Creates a migrator for `migrations` (any order; sorted by version).
    public init(migrations: [SchemaMigration], logger: Logger) {
        self.migrations = migrations.sorted { $0.version < $1.version }
        self.logger = logger
    }

    /// Brings the database up to date; returns the versions applied now.
    @discardableResult
    public func migrate(_ pool: PostgresPool) async throws -> [Int] {
        let migrations = migrations
        let logger = logger
        return try await pool.withConnection { connection in
            try connection.query("SELECT pg_advisory_lock($1)", Self.advisoryLockKey)
            defer { _ = try? connection.query("SELECT pg_advisory_unlock($1)", Self.advisoryLockKey) }
            try connection.execute(
                script: """
                    CREATE TABLE IF NOT EXISTS dms_schema_migrations (
                        version    integer PRIMARY KEY,
                        name       text NOT NULL,
                        checksum   text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """)
            var applied = [Int: String]()
            for row in try connection.query("SELECT version, checksum FROM dms_schema_migrations") {
                applied[Int(try row.int64("version"))] = try row.string("checksum")
            }
            let known = Set(migrations.map(\.version))
            if let unknown = applied.keys.filter({ !known.contains($0) }).max() {
                throw MigrationError(
                    "the metadata database has schema migration \(unknown), which this dmsd does not know: a newer dmsd has used it")
            }
            var appliedNow = [Int]()
            for migration in migrations {
                if let checksum = applied[migration.version] {
                    guard checksum == migration.checksum else {
                        throw MigrationError(
                            "schema migration \(migration.version) (\(migration.name)) differs from the one applied to the database")
                    }
                    continue
                }
                try connection.execute(script: "BEGIN")
                do {
                    try connection.execute(script: migration.sql)
                    try connection.query(
                        "INSERT INTO dms_schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                        migration.version, migration.name, migration.checksum)
                    try connection.execute(script: "COMMIT")
                } catch {
                    try? connection.execute(script: "ROLLBACK")
                    throw MigrationError("schema migration \(migration.version) (\(migration.name)) failed: \(error)")
                }
                logger.info(
                    "applied schema migration",
                    metadata: ["dms.migration.version": "\(migration.version)", "dms.migration.name": "\(migration.name)"])
                appliedNow.append(migration.version)
            }
            return appliedNow
        }
    }
}

/// Why the schema could not be brought up to date.
public struct MigrationError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public let description: String

    init(_ description: String) { self.description = description }
}
