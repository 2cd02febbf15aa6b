@testable import DMSStore
import DMSPostgres
import DMSProto
import DMSSecrets
import DMSTestSupport
import Foundation
import Logging

/// A metadata store on a fresh database of the shared test PostgreSQL.
struct TestStore {
    let store: MetadataStore
    let pool: PostgresPool
    let url: String
    let keys: [MasterKey]

    static func open(keys: [MasterKey] = [MasterKey.generate()]) async throws -> TestStore {
        let url = try TestPostgres.makeDatabase(prefix: "store")
        let pool = PostgresPool(configuration: .init(conninfo: url, maximumConnections: 8))
        let store = try await MetadataStore.open(pool: pool, keys: keys, logger: Logger(label: "test"))
        return TestStore(store: store, pool: pool, url: url, keys: keys)
    }

    /// Every table of the store, each as its row count and an MD5 of all its rows (every column,
    /// rows in a fixed order): equal before and after means not a single value was written.
    func digest() async throws -> [String: String] {
        try await pool.withConnection { db in
            let tables = try db.query(
                """
                SELECT table_name::text AS name FROM information_schema.tables
                WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY 1
                """
            ).map { try $0.string("name") }
            var digest = [String: String]()
            for table in tables {
                let quoted = "\"" + table.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                let row = try db.query(
                    "SELECT count(*) AS n, coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') AS md5 FROM \(quoted) t"
                ).first!
                digest[table] = "\(try row.int64("n")) rows, md5 \(try row.string("md5"))"
            }
            return digest
        }
    }

    // MARK: Fixtures

    func postgresConnection(name: String = "pg-main", namespace: String = "default", password: String = "s3cret", version: Int32 = 0) async throws -> Dms_V1_Connection {
        var request = Dms_V1_CreateConnectionRequest()
        request.name = name
        request.type = "postgres"
        request.version = version
        let ssl = version == 1 ? "\"sslmode\":\"require\"" : "\"ssl_mode\":\"require\""
        request.schema = #"{"host":"db.example","port":5432,"database":"sales","user":"etl","password":"\#(password)",\#(ssl)}"#
        return try await store.connections.create(request, namespace: namespace)
    }

    func source(name: String = "orders", connection: Dms_V1_Connection, conf: String = #"{"table":"public.orders"}"#, namespace: String = "default") async throws -> OverlayRepository.Overlay {
        try await store.sources.create(.init(name: name, connectionID: connection.id, conf: conf), namespace: namespace, scope: .everything)
    }

    func target(name: String = "orders-copy", connection: Dms_V1_Connection, conf: String = #"{"table":"public.orders_copy","mode":"append"}"#, namespace: String = "default") async throws -> OverlayRepository.Overlay {
        try await store.targets.create(.init(name: name, connectionID: connection.id, conf: conf), namespace: namespace, scope: .everything)
    }

    func job(name: String = "nightly", source: OverlayRepository.Overlay, target: OverlayRepository.Overlay, namespace: String = "default") async throws -> Dms_V1_MigrationJob {
        var request = Dms_V1_CreateMigrationJobRequest()
        request.name = name
        request.sourceID = source.id
        request.targetID = target.id
        request.schedule = "0 3 * * *"
        return try await store.jobs.create(request, namespace: namespace, scope: .everything)
    }
}
