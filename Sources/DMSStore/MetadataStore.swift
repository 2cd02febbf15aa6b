import DMSCatalog
import DMSPostgres
import DMSSecrets
import DMSWire
import Foundation
import Logging

/// The metadata store: PostgreSQL through a bounded pool, its schema brought up to date on open,
/// and one repository per resource.
public final class MetadataStore: Sendable {
    /// The pool every repository shares.
    public let pool: PostgresPool
    /// Namespaces.
    public let namespaces: NamespaceRepository
    /// Connections.
    public let connections: ConnectionRepository
    /// Sources.
    public let sources: OverlayRepository
    /// Targets.
    public let targets: OverlayRepository
    /// Migration jobs.
    public let jobs: JobRepository
    /// Migration job runs, their events, logs and the jobs' incremental cursors.
    public let runs: RunRepository
    /// API tokens (and the authenticator's lookups).
    public let tokens: TokenRepository
    /// The connector catalog configurations are validated against.
    public let catalog: ConnectorCatalog

    /// Connects, applies pending schema migrations (under an advisory lock) and returns the store.
    public static func open(
        pool: PostgresPool, keys: [MasterKey], catalog: ConnectorCatalog = .builtIn, logger: Logger
    ) async throws -> MetadataStore {
        try await SchemaMigrator(migrations: StoreSchema.migrations, logger: logger).migrate(pool)
        return MetadataStore(pool: pool, sealer: try SecretSealer(keys: keys), catalog: catalog)
    }

    init(pool: PostgresPool, sealer: SecretSealer, catalog: ConnectorCatalog) {
        self.pool = pool
        self.catalog = catalog
        let secrets = SecretColumns(sealer: sealer)
        namespaces = NamespaceRepository(pool: pool)
        connections = ConnectionRepository(pool: pool, catalog: catalog, secrets: secrets)
        sources = OverlayRepository(pool: pool, catalog: catalog, secrets: secrets, connections: connections, role: .source)
        targets = OverlayRepository(pool: pool, catalog: catalog, secrets: secrets, connections: connections, role: .target)
        jobs = JobRepository(pool: pool)
        runs = RunRepository(pool: pool)
        tokens = TokenRepository(pool: pool)
    }

    /// Re-seals every stored secret under the first of `keys` (opening with any of them) in one
    /// transaction; returns how many values were re-sealed.
    public static func rotateKey(pool: PostgresPool, keys: [MasterKey]) async throws -> Int {
        let secrets = SecretColumns(sealer: try SecretSealer(keys: keys))
        return try await pool.withTransaction { db in
            var count = 0
            for table in ["connections", "sources", "targets"] {
                for row in try db.query("SELECT id::text AS id, secrets::text AS secrets FROM \(table) FOR UPDATE") {
                    let id = UUID(text: try row.string("id"))!
                    let sealed = try row.object("secrets")
                    guard !sealed.isEmpty else { continue }
                    let opened = try secrets.open(sealed, table: table, id: id)
                    let resealed = try secrets.seal(opened, secretFields: Array(opened.keys), table: table, id: id).sealed
                    try db.query("UPDATE \(table) SET secrets = $2::jsonb WHERE id = $1", id, resealed.jsonText)
                    count += opened.count
                }
            }
            return count
        }
    }
}

extension MetadataStore {
    /// True when `error` means the metadata database could not be reached (down, restarting,
    /// the connection lost): worth waiting out, unlike an answer the database gave.
    public static func isUnreachable(_ error: any Error) -> Bool {
        switch error {
        case let error as PostgresError: error.code.isConnectionLoss
        case let error as RPCError: error.code == .unavailable
        default: false
        }
    }
}
