import DMSPostgres
import Foundation

/// The libpq baseline of `dms-bench store`: dmsd's own statements for a connection, run straight
/// on the same PostgreSQL against a scratch table of the same shape as `connections`
/// (`bench_connections`: its columns, defaults, CHECKs, unique indexes and the foreign key to
/// `namespaces`), through a ``PostgresPool`` of the run's concurrency. Each statement is
/// prepared once per connection, as in dmsd.
struct StoreBaseline: Sendable {
    /// The columns dmsd's connection repository returns, in the same SQL, so the server does the
    /// same work for them.
    static let columns = """
        id::text AS id, name, namespace, type, version, schema::text AS schema, secrets::text AS secrets, revision,
        (floor(extract(epoch FROM create_time) * 1000000))::int8 AS create_time_us,
        (floor(extract(epoch FROM update_time) * 1000000))::int8 AS update_time_us
        """

    static let insert = """
        INSERT INTO bench_connections (id, name, namespace, type, version, schema, secrets)
        VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb) RETURNING \(columns)
        """

    static let select = "SELECT \(columns) FROM bench_connections WHERE id = $1"

    let conninfo: String

    /// Creates the scratch table (replacing a leftover one), runs `body`, and drops the table
    /// whatever happens.
    static func withScratchTable<Result: Sendable>(
        conninfo: String, _ body: (StoreBaseline) async throws -> Result
    ) async throws -> Result {
        let baseline = StoreBaseline(conninfo: conninfo)
        try await baseline.execute(
            """
            DROP TABLE IF EXISTS bench_connections;
            CREATE TABLE bench_connections (LIKE connections INCLUDING ALL);
            ALTER TABLE bench_connections ADD CONSTRAINT bench_connections_namespace_fk
                FOREIGN KEY (namespace) REFERENCES namespaces (name);
            """, doing: "create the scratch table bench_connections like dmsd's connections")
        let result: Result
        do {
            result = try await body(baseline)
        } catch {
            try? await baseline.execute("DROP TABLE IF EXISTS bench_connections", doing: "drop the scratch table")
            throw error
        }
        try await baseline.execute("DROP TABLE bench_connections", doing: "drop the scratch table")
        return result
    }

    /// Runs `body` with a pool of at most `connections` connections, closed afterwards.
    func withPool<Result: Sendable>(connections: Int, _ body: (PostgresPool) async throws -> Result) async throws -> Result {
        let pool = PostgresPool(configuration: .init(conninfo: conninfo, maximumConnections: connections, applicationName: "dms-bench"))
        defer { pool.close() }
        return try await body(pool)
    }

    /// INSERTs `row` as dmsd does and checks the returned row.
    static func insert(_ row: StoreRow, into pool: PostgresPool) async throws {
        let returned = try await pool.query(insert, [row.id, row.name, row.namespace, row.type, row.version, row.schema, row.secrets])
            .first.map { (id: try $0.string("id"), name: try $0.string("name")) }
        guard let returned, returned.id == row.idText, returned.name == row.name else {
            throw StoreBenchError("libpq INSERT of \(row.name) returned \(returned.map { "\($0)" } ?? "no row")")
        }
    }

    /// SELECTs `row` by id as dmsd does and checks that it is the one inserted.
    static func select(_ row: StoreRow, from pool: PostgresPool) async throws {
        let id = row.idText
        let found = try await pool.query(select, [id]).first.map { try $0.string("name") }
        guard found == row.name else {
            throw StoreBenchError("libpq SELECT of \(id) returned \(found.map { "name \($0)" } ?? "no row"), expected \(row.name)")
        }
    }

    /// The number of rows of `table` whose name matches `pattern`.
    func count(_ table: String, namesLike pattern: String) async throws -> Int64 {
        try await withPool(connections: 1) { pool in
            try await pool.withConnection { connection in
                try connection.query("SELECT count(*) AS n FROM \(table) WHERE name LIKE $1", pattern).first!.int64("n")
            }
        }
    }

    /// What one row of each side takes as stored text, to show that both write the same.
    struct StoredSizes: Sendable, Equatable {
        /// Whether the two rows' `schema` values are equal as jsonb.
        var sameSchema: Bool
        var dmsSchemaBytes: Int64
        var dmsSecretsBytes: Int64
        var rawSchemaBytes: Int64
        var rawSecretsBytes: Int64

        /// Same schema, and the same sizes of schema and secrets.
        var match: Bool { sameSchema && dmsSchemaBytes == rawSchemaBytes && dmsSecretsBytes == rawSecretsBytes }
    }

    /// The stored sizes of dmsd's connection `dmsName` and the baseline's row `rawName`.
    func storedSizes(dmsName: String, rawName: String) async throws -> StoredSizes {
        try await withPool(connections: 1) { pool in
            try await pool.withConnection { connection in
                let row = try connection.query(
                    """
                    SELECT d.schema = r.schema AS same_schema,
                           octet_length(d.schema::text) AS d_schema, octet_length(d.secrets::text) AS d_secrets,
                           octet_length(r.schema::text) AS r_schema, octet_length(r.secrets::text) AS r_secrets
                    FROM connections d, bench_connections r WHERE d.name = $1 AND r.name = $2
                    """, dmsName, rawName
                ).first
                guard let row else { throw StoreBenchError("cannot find \(dmsName) in connections or \(rawName) in bench_connections") }
                return StoredSizes(
                    sameSchema: try row.bool("same_schema"), dmsSchemaBytes: try row.int64("d_schema"),
                    dmsSecretsBytes: try row.int64("d_secrets"), rawSchemaBytes: try row.int64("r_schema"),
                    rawSecretsBytes: try row.int64("r_secrets"))
            }
        }
    }

    /// The key id dmsd sealed the secrets of connection `name` under (`v1:<key id>:…`).
    func sealingKeyID(ofConnectionNamed name: String) async throws -> String {
        let sealed = try await withPool(connections: 1) { pool in
            try await pool.withConnection { connection in
                try connection.query("SELECT secrets->>'password' AS sealed FROM connections WHERE name = $1", name).first?.text("sealed")
            }
        }
        let parts = sealed?.split(separator: ":") ?? []
        guard parts.count == 3, parts[0] == "v1" else {
            throw StoreBenchError("dmsd did not store the password of \(name) sealed (v1:<key id>:<data>)")
        }
        return String(parts[1])
    }

    private func execute(_ script: String, doing what: String) async throws {
        do {
            try await withPool(connections: 1) { pool in
                try await pool.withConnection { try $0.execute(script: script) }
            }
        } catch let error as PostgresError {
            throw StoreBenchError("cannot \(what): \(error.message) (is --database dmsd's database?)")
        }
    }
}
