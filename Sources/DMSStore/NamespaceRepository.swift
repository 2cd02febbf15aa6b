import DMSPostgres
import DMSProto
import DMSWire
import Foundation

/// Namespaces: the tenant tags every other resource carries.
public struct NamespaceRepository: Sendable {
    let pool: PostgresPool

    private static let columns = "name, description, revision, \(SQLFragments.time("create_time"))"

    /// Creates a namespace.
    public func create(name: String, description: String) async throws -> Dms_V1_Namespace {
        do {
            return try await pool.withConnection { connection in
                let rows = try connection.query(
                    "INSERT INTO namespaces (name, description) VALUES ($1, $2) RETURNING \(Self.columns)", name, description)
                return try Self.namespace(rows.first!)
            }
        } catch let error as PostgresError where error.code == .uniqueViolation {
            throw RPCError(.alreadyExists, "namespace \"\(name)\" already exists")
        }
    }

    /// One namespace; NOT_FOUND if it does not exist.
    public func get(name: String) async throws -> Dms_V1_Namespace {
        let row = try await pool.withConnection { connection in
            try connection.query("SELECT \(Self.columns) FROM namespaces WHERE name = $1", name).first
        }
        guard let row else { throw RPCError(.notFound, "namespace \"\(name)\" does not exist") }
        return try Self.namespace(row)
    }

    /// A page of namespaces ordered by name; `only` limits to one (a scoped token's).
    public func list(prefix: String, only: String?, pageSize: Int32, pageToken: String) async throws -> Dms_V1_ListNamespacesResponse {
        let size = try Paging.size(pageSize)
        let after = try Paging.after(pageToken)
        let rows = try await pool.withConnection { connection in
            Array(
                try connection.query(
                    """
                    SELECT \(Self.columns) FROM namespaces
                    WHERE name > $1 AND name LIKE $2 AND ($3::text IS NULL OR name = $3)
                    ORDER BY name LIMIT $4
                    """,
                    after, Paging.likePrefix(prefix), only, size + 1))
        }
        let page = Paging.page(rows, size: size) { (try? $0.string("name")) ?? "" }
        var response = Dms_V1_ListNamespacesResponse()
        response.namespaces = try page.rows.map(Self.namespace)
        response.nextPageToken = page.next
        return response
    }

    /// Changes the description; ABORTED when `expectedRevision` (non-zero) is stale.
    public func update(name: String, expectedRevision: Int64, description: String) async throws -> Dms_V1_Namespace {
        let outcome = try await pool.withConnection { connection -> (PostgresRow?, Bool) in
            let rows = try connection.query(
                """
                UPDATE namespaces SET description = $2,
                    revision = revision + CASE WHEN description = $2 THEN 0 ELSE 1 END,
                    update_time = CASE WHEN description = $2 THEN update_time ELSE now() END
                WHERE name = $1 AND ($3 = 0 OR revision = $3)
                RETURNING \(Self.columns)
                """, name, description, expectedRevision)
            if let row = rows.first { return (row, true) }
            return (nil, try !connection.query("SELECT 1 FROM namespaces WHERE name = $1", name).isEmpty)
        }
        if let row = outcome.0 { return try Self.namespace(row) }
        if outcome.1 {
            throw RPCError(.aborted, "namespace \"\(name)\" changed since revision \(expectedRevision): read it again")
        }
        throw RPCError(.notFound, "namespace \"\(name)\" does not exist")
    }

    /// Deletes an empty namespace; FAILED_PRECONDITION naming what is still in it.
    public func delete(name: String, expectedRevision: Int64) async throws {
        let outcome: (deleted: Bool, exists: Bool, contents: [String])
        do {
            outcome = try await pool.withTransaction { connection -> (deleted: Bool, exists: Bool, contents: [String]) in
                let contents = try Self.contents(of: name, in: connection)
                guard contents.isEmpty else { return (false, true, contents) }
                try connection.query("DELETE FROM tokens WHERE namespace = $1", name)  // revoked ones only by now
                let deleted = try connection.query(
                    "DELETE FROM namespaces WHERE name = $1 AND ($2 = 0 OR revision = $2)", name, expectedRevision
                ).affectedRows == 1
                if deleted { return (true, true, []) }
                return (false, try !connection.query("SELECT 1 FROM namespaces WHERE name = $1", name).isEmpty, [])
            }
        } catch let error as PostgresError where error.code == .foreignKeyViolation {
            // Something was created in it between the check and the DELETE (committed while the
            // DELETE waited for the row): name what it holds now.
            let contents = try await pool.withConnection { try Self.contents(of: name, in: $0) }
            guard !contents.isEmpty else { throw RPCError(.aborted, "namespace \"\(name)\" was used meanwhile: try again") }
            outcome = (false, true, contents)
        }
        if outcome.deleted { return }
        if !outcome.contents.isEmpty {
            let listed = outcome.contents.prefix(10).joined(separator: ", ") + (outcome.contents.count > 10 ? ", …" : "")
            throw RPCError(.failedPrecondition, "namespace \"\(name)\" is not empty: it still holds \(listed)")
        }
        if outcome.exists {
            throw RPCError(.aborted, "namespace \"\(name)\" changed since revision \(expectedRevision): read it again")
        }
        throw RPCError(.notFound, "namespace \"\(name)\" does not exist")
    }

    /// What namespace `name` holds (revoked tokens aside), as `kind name`, at most 11.
    private static func contents(of name: String, in connection: PostgresConnection) throws -> [String] {
        try Array(
            connection.query(
                """
                SELECT kind, name FROM (
                    SELECT 'connection' AS kind, name FROM connections WHERE namespace = $1
                    UNION ALL SELECT 'source', name FROM sources WHERE namespace = $1
                    UNION ALL SELECT 'target', name FROM targets WHERE namespace = $1
                    UNION ALL SELECT 'job', name FROM migration_jobs WHERE namespace = $1
                    UNION ALL SELECT 'token', name FROM tokens WHERE namespace = $1 AND revoke_time IS NULL
                ) AS members ORDER BY kind, name LIMIT 11
                """, name)
        ).map { "\(try $0.string("kind")) \(try $0.string("name"))" }
    }

    static func namespace(_ row: PostgresRow) throws -> Dms_V1_Namespace {
        var namespace = Dms_V1_Namespace()
        namespace.name = try row.string("name")
        namespace.description_p = try row.string("description")
        namespace.revision = try row.int64("revision")
        namespace.createTime = try row.timestamp("create_time_us")
        return namespace
    }
}
