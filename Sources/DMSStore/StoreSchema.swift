import DMSPostgres

/// The metadata store's numbered schema migrations (`Migrations/NNNN_name.sql`, embedded in the
/// binary at build time). A test checks that every file of the directory is listed here.
public enum StoreSchema {
    /// Every migration, in order.
    public static let migrations: [SchemaMigration] = [
        migration(1, "resources", PackageResources._001_resources_sql),
        migration(2, "runs", PackageResources._002_runs_sql),
        migration(3, "scheduler", PackageResources._003_scheduler_sql),
    ]

    private static func migration(_ version: Int, _ name: String, _ bytes: [UInt8]) -> SchemaMigration {
        SchemaMigration(version: version, name: name, sql: String(decoding: bytes, as: UTF8.self))
    }
}
