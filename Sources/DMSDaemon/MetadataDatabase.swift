import DMSPostgres
import DMSSecrets
import DMSStore
import Foundation
import Logging

/// The metadata database as configured: the server of `--database-url`, or the embedded cluster
/// in `<data-dir>/postgres` (created on first start, stopped on shutdown); the master keys; and
/// the store over them, its schema migrated.
struct MetadataDatabase {
    let store: MetadataStore
    let pool: PostgresPool
    let embedded: EmbeddedPostgres?

    /// Starts (or reaches) the database and opens the store.
    static func open(_ configuration: DaemonConfiguration, logger: Logger) async throws -> MetadataDatabase {
        let (pool, embedded) = try await connect(configuration, logger: logger)
        do {
            let loaded = try MasterKeySource.load(
                environmentValue: configuration.masterKeyFromEnvironment, file: configuration.masterKeyFile,
                generateIfMissing: configuration.masterKeyFromEnvironment == nil)
            if loaded.generated {
                logger.notice("generated the master key for secrets at rest (mode 0600)", metadata: ["dms.master_key_file": "\(configuration.masterKeyFile)"])
            }
            let store = try await MetadataStore.open(pool: pool, keys: loaded.keys, logger: logger)
            return MetadataDatabase(store: store, pool: pool, embedded: embedded)
        } catch {
            pool.close()
            try? embedded?.stop()
            throw error
        }
    }

    /// Connects to the configured database (starting the embedded cluster if that is the one).
    static func connect(
        _ configuration: DaemonConfiguration, logger: Logger, stopsOnlyWhatItStarted: Bool = false
    ) async throws -> (PostgresPool, EmbeddedPostgres?) {
        var embedded: EmbeddedPostgres?
        let conninfo: String
        if let url = configuration.databaseURL {
            conninfo = url
        } else {
            let cluster = EmbeddedPostgres(
                configuration: .init(directory: "\(configuration.dataDirectory)/postgres", systemUser: configuration.postgresUser),
                logger: logger)
            let wasRunning = cluster.isRunning
            conninfo = try cluster.start()
            // A cluster another dmsd runs (or one left behind) is used, and stopped only if we started it.
            embedded = wasRunning && stopsOnlyWhatItStarted ? nil : cluster
        }
        let pool = PostgresPool(
            configuration: .init(conninfo: conninfo, maximumConnections: configuration.databasePoolSize), logger: logger)
        // Reach it once now, so a wrong URL or a down server fails the start with a clear message.
        do {
            _ = try await pool.withConnection { try $0.query("SELECT 1 AS one") }
        } catch let error as PostgresError {
            pool.close()
            try? embedded?.stop()
            throw DatabaseStartError("cannot reach the metadata database: \(error.message)")
        }
        return (pool, embedded)
    }

    /// Closes the pool and stops the embedded cluster.
    func close(logger: Logger) {
        pool.close()
        do {
            try embedded?.stop()
        } catch {
            logger.error("cannot stop the embedded PostgreSQL", metadata: ["error": "\(error)"])
        }
    }
}

/// The metadata database could not be reached at start-up.
struct DatabaseStartError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
