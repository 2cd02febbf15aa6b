import DMSCatalog
import DMSPostgres
import DMSProto
import DMSWire
import Foundation
import SwiftProtobuf

/// Sources and Targets: a Connection plus overrides, stored as overrides only. Their effective
/// configuration is computed from the Connection whenever they are read (and run), so a change to
/// the Connection reaches them at once. One repository serves both roles; they differ only in
/// table and schema.
public struct OverlayRepository: Sendable {
    /// What a stored Source or Target looks like through the API, before it becomes a message.
    public struct Overlay: Sendable {
        public var id: String
        public var name: String
        public var namespace: String
        public var connectionID: String
        /// Effective configuration, secrets redacted.
        public var conf: [String: JSONValue]
        /// Own overrides, secrets redacted.
        public var overrides: [String: JSONValue]
        public var revision: Int64
        public var createTime: Google_Protobuf_Timestamp
        public var updateTime: Google_Protobuf_Timestamp
    }


    /// The fields of a create or update request, whichever role.
    public struct Request: Sendable {
        public var name: String
        public var connectionID: String
        public var conf: String
        public init(name: String, connectionID: String, conf: String) {
            self.name = name
            self.connectionID = connectionID
            self.conf = conf
        }
    }

    let pool: PostgresPool
    let catalog: ConnectorCatalog
    let secrets: SecretColumns
    let connections: ConnectionRepository
    let role: ConnectorSpec.Role

    var table: String { role == .source ? "sources" : "targets" }
    var noun: String { role.rawValue }

    private static let columns = """
        o.id::text AS id, o.name, o.namespace, o.connection_id::text AS connection_id, o.overrides::text AS overrides,
        o.secrets::text AS secrets, o.revision,
        (floor(extract(epoch FROM o.create_time) * 1000000))::int8 AS create_time_us,
        (floor(extract(epoch FROM o.update_time) * 1000000))::int8 AS update_time_us,
        c.type AS connection_type, c.version AS connection_version, c.schema::text AS connection_schema,
        c.secrets::text AS connection_secrets
        """

    private var select: String {
        "SELECT \(Self.columns) FROM \(table) o JOIN connections c ON c.id = o.connection_id"
    }

    // MARK: Create

    /// Creates a Source or Target in `namespace` on a connection of the same namespace.
    public func create(_ request: Request, namespace: String, scope: AccessScope) async throws -> Overlay {
        var violations = [RPCError.FieldViolation]()
        if let reason = ResourceName.validate(request.name) { violations.append(.init(field: "name", description: reason)) }
        let overrides = JSONField.object(request.conf, field: "conf", emptyIsObject: true, violations: &violations)
        let connection = try await referencedConnection(request.connectionID, namespace: namespace, scope: scope, violations: &violations)
        var spec: ConnectorSpec?
        if let connection, let overrides {
            spec = try catalog.spec(type: connection.type, version: connection.version)
            violations += SecretColumns.placeholderViolations(overrides, spec: spec!, keeping: [], path: "conf")
            violations += spec!.validateOverrides(.object(overrides), role: role, connection: connections.redactedEffectiveSchema(connection, spec: spec!))
                .map { $0.field(under: "conf") }
        }
        guard violations.isEmpty, let connection, let overrides, let spec else { throw RPCError.invalidArgument(violations) }
        let id = UUID()
        let (plain, sealed) = try secrets.seal(overrides, secretFields: spec.secretFields, table: table, id: id)
        let table = table
        let select = select
        do {
            let row = try await pool.withConnection { db in
                try db.query(
                    "INSERT INTO \(table) (id, name, namespace, connection_id, overrides, secrets) VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb)",
                    id, request.name, namespace, connection.id, plain.jsonText, sealed.jsonText)
                return try db.query("\(select) WHERE o.id = $1", id).first!
            }
            return try render(row)
        } catch let error as PostgresError where error.code == .uniqueViolation {
            throw RPCError(.alreadyExists, "namespace \"\(namespace)\" already has a \(noun) named \"\(request.name)\"")
        } catch let error as PostgresError where error.code == .foreignKeyViolation {
            throw RPCError(.failedPrecondition, "the connection was deleted or moved meanwhile, or namespace \"\(namespace)\" does not exist")
        }
    }

    // MARK: Read

    /// One Source or Target within `scope`.
    public func get(_ key: ResourceKey, scope: AccessScope) async throws -> Overlay {
        try render(try await row(key, scope: scope))
    }

    /// What a run needs of a Source or Target: its connector type and spec version, and its
    /// effective configuration with secrets in clear (for the engine only; never for a response),
    /// plus those secret values, so that everything the run writes can be scrubbed of them.
    public func runtimeConfiguration(id: String) async throws -> RuntimeConfiguration {
        guard let uuid = UUID(text: id) else { throw RPCError(.notFound, "no \(noun) \(id)") }
        let row = try await row(.id(uuid), scope: .everything)
        let type = try row.string("connection_type")
        let version = Int(try row.int64("connection_version"))
        let spec = try catalog.spec(type: type, version: version)
        let connectionID = UUID(text: try row.string("connection_id"))!
        let connectionSecrets = try secrets.open(try row.object("connection_secrets"), table: "connections", id: connectionID)
        let ownSecrets = try secrets.open(try row.object("secrets"), table: table, id: uuid)
        let connection = spec.effectiveConnection(try row.object("connection_schema").merging(connectionSecrets) { _, secret in secret })
        let overrides = try row.object("overrides").merging(ownSecrets) { _, secret in secret }
        let effective = spec.effectiveConf(connection: connection, overrides: overrides, role: role)
        return RuntimeConfiguration(
            type: type, version: version, conf: effective.values, secretValues: RuntimeConfiguration.values(ofSecrets: [connectionSecrets, ownSecrets]))
    }

    func row(_ key: ResourceKey, scope: AccessScope) async throws -> PostgresRow {
        let condition = key.condition(first: 1, scope: scope, qualifier: "o.")
        let sql = "\(select) WHERE \(condition.sql)"
        let found = try await pool.withConnection { try $0.query(sql, condition.parameters).first }
        guard let found else { throw RPCError(.notFound, "no \(noun) \(key.display)") }
        return found
    }

    /// A page ordered by name.
    public func list(namespace: String?, prefix: String, connectionID: String, pageSize: Int32, pageToken: String) async throws -> (items: [Overlay], next: String) {
        let size = try Paging.size(pageSize)
        let after = try Paging.namespacedAfter(pageToken)
        var connectionFilter: String? = nil
        if !connectionID.isEmpty {
            guard let uuid = UUID(text: connectionID) else {
                throw RPCError.invalidArgument([.init(field: "connection_id", description: "is not an id of this server (a UUID)")])
            }
            connectionFilter = uuid.text
        }
        let select = select
        let filter = connectionFilter
        let rows = try await pool.withConnection { db in
            Array(
                try db.query(
                    """
                    \(select)
                    WHERE (o.name, o.namespace) > ($1, $2) AND o.name LIKE $3 AND ($4::text IS NULL OR o.namespace = $4)
                      AND ($5::uuid IS NULL OR o.connection_id = $5::uuid)
                    ORDER BY o.name, o.namespace LIMIT $6
                    """, after.name, after.namespace, Paging.likePrefix(prefix), namespace, filter, size + 1))
        }
        let page = Paging.page(rows, size: size) { Paging.key(name: (try? $0.string("name")) ?? "", namespace: (try? $0.string("namespace")) ?? "") }
        return (try page.rows.map(render), page.next)
    }

    // MARK: Update

    /// Changes the name, the connection and/or the overrides (replaced whole; "********" keeps a
    /// stored secret). An update that changes nothing keeps the revision.
    public func update(key: ResourceKey, expectedRevision: Int64, mask: [String], newName: String, connectionID: String, conf: String, scope: AccessScope) async throws -> Overlay {
        var violations = [RPCError.FieldViolation]()
        let updateMask = UpdateMask(mask, allowed: ["new_name", "connection_id", "conf"], violations: &violations)
        let changesName = updateMask.includes("new_name", nonEmpty: !newName.isEmpty)
        let changesConnection = updateMask.includes("connection_id", nonEmpty: !connectionID.isEmpty)
        let changesConf = updateMask.includes("conf", nonEmpty: !conf.isEmpty)
        if expectedRevision <= 0 { violations.append(.init(field: "expected_revision", description: "required: the revision you read")) }
        if changesName, let reason = ResourceName.validate(newName) { violations.append(.init(field: "new_name", description: reason)) }
        let incoming = changesConf ? JSONField.object(conf, field: "conf", emptyIsObject: true, violations: &violations) : nil
        guard violations.isEmpty else { throw RPCError.invalidArgument(violations) }

        let current = try await row(key, scope: scope)
        let namespace = try current.string("namespace")
        try scope.checkWrite(namespace)
        let id = UUID(text: try current.string("id"))!
        let currentName = try current.string("name")
        let currentRevision = try current.int64("revision")
        let storedSecrets = try secrets.open(try current.object("secrets"), table: table, id: id)
        let storedOverrides = try current.object("overrides").merging(storedSecrets) { plain, _ in plain }

        let connection: ConnectionRepository.Row
        if changesConnection {
            guard let replacement = try await referencedConnection(connectionID, namespace: namespace, scope: scope, violations: &violations) else {
                throw RPCError.invalidArgument(violations)
            }
            connection = replacement
        } else {
            connection = try await connections.row(.id(UUID(text: try current.string("connection_id"))!), scope: .everything)
        }
        let spec = try catalog.spec(type: connection.type, version: connection.version)
        var overrides = storedOverrides
        if let incoming {
            violations += SecretColumns.placeholderViolations(incoming, spec: spec, keeping: Set(storedSecrets.keys), path: "conf")
            overrides = spec.restoringSecrets(incoming, from: storedSecrets)
        }
        violations += spec.validateOverrides(.object(overrides), role: role, connection: connections.redactedEffectiveSchema(connection, spec: spec))
            .map { $0.field(under: "conf") }
        guard violations.isEmpty else { throw RPCError.invalidArgument(violations) }

        let name = changesName ? newName : currentName
        if name == currentName, connection.id.text == (try current.string("connection_id")), overrides == storedOverrides {
            guard currentRevision == expectedRevision else { throw stale(currentName, expectedRevision, currentRevision) }
            return try render(current)
        }
        let (plain, sealed) = try secrets.seal(overrides, secretFields: spec.secretFields, table: table, id: id)
        let table = table
        let select = select
        let updated: PostgresRow?
        do {
            updated = try await pool.withConnection { db in
                let changed = try db.query(
                    """
                    UPDATE \(table) SET name = $2, connection_id = $3, overrides = $4::jsonb, secrets = $5::jsonb,
                        revision = revision + 1, update_time = now()
                    WHERE id = $1 AND revision = $6
                    """, id, name, connection.id, plain.jsonText, sealed.jsonText, expectedRevision
                ).affectedRows
                return changed == 1 ? try db.query("\(select) WHERE o.id = $1", id).first : nil
            }
        } catch let error as PostgresError where error.code == .uniqueViolation {
            throw RPCError(.alreadyExists, "namespace \"\(namespace)\" already has a \(noun) named \"\(name)\"")
        }
        guard let updated else { throw stale(currentName, expectedRevision, currentRevision) }
        return try render(updated)
    }

    // MARK: Delete

    /// Deletes a Source or Target no job uses; FAILED_PRECONDITION naming the jobs otherwise.
    public func delete(key: ResourceKey, expectedRevision: Int64, scope: AccessScope) async throws {
        let current = try await row(key, scope: scope)
        try scope.checkWrite(try current.string("namespace"))
        let id = UUID(text: try current.string("id"))!
        let name = try current.string("name")
        let table = table
        let jobs = { @Sendable (db: PostgresConnection) in try self.jobs(using: id, in: db) }
        let outcome: (deleted: Bool, users: [String])
        do {
            outcome = try await pool.withTransaction { db -> (deleted: Bool, users: [String]) in
                let users = try jobs(db)
                guard users.isEmpty else { return (false, users) }
                let deleted = try db.query("DELETE FROM \(table) WHERE id = $1 AND ($2 = 0 OR revision = $2)", id, expectedRevision).affectedRows == 1
                return (deleted, [])
            }
        } catch let error as PostgresError where error.code == .foreignKeyViolation {
            // A job was created on it between the check and the DELETE (committed while the DELETE
            // waited for the row): name the jobs that use it now.
            let users = try await pool.withConnection(jobs)
            guard !users.isEmpty else { throw RPCError(.aborted, "\(noun) \"\(name)\" was used by a migration job meanwhile: try again") }
            outcome = (false, users)
        }
        if !outcome.users.isEmpty {
            let listed = outcome.users.prefix(10).joined(separator: ", ") + (outcome.users.count > 10 ? ", …" : "")
            throw RPCError(.failedPrecondition, "\(noun) \"\(name)\" is in use by migration job \(listed): delete or repoint them first")
        }
        if !outcome.deleted { throw stale(name, expectedRevision, try current.int64("revision")) }
    }

    /// The jobs that use Source or Target `id`, as `namespace/name`, at most 11.
    private func jobs(using id: UUID, in db: PostgresConnection) throws -> [String] {
        let column = role == .source ? "source_id" : "target_id"
        return try Array(
            db.query("SELECT namespace || '/' || name AS job FROM migration_jobs WHERE \(column) = $1 ORDER BY 1 LIMIT 11", id)
        ).map { try $0.string("job") }
    }

    // MARK: Helpers

    /// The connection `text` names, which must be visible and of `namespace`.
    /// NOT_FOUND when no visible connection has the id (as for a connection that does not exist).
    private func referencedConnection(_ text: String, namespace: String, scope: AccessScope, violations: inout [RPCError.FieldViolation]) async throws -> ConnectionRepository.Row? {
        guard !text.isEmpty else {
            violations.append(.init(field: "connection_id", description: "required"))
            return nil
        }
        guard let id = UUID(text: text) else {
            violations.append(.init(field: "connection_id", description: "is not an id of this server (a UUID)"))
            return nil
        }
        guard let connection = try? await connections.row(.id(id), scope: scope) else {
            throw RPCError(.notFound, "connection_id: no connection with id \(id.text)")
        }
        guard connection.namespace == namespace else {
            violations.append(
                .init(
                    field: "connection_id",
                    description: "the connection is in namespace \"\(connection.namespace)\"; a \(noun) may only use a connection of its own namespace \"\(namespace)\""))
            return nil
        }
        return connection
    }

    private func render(_ row: PostgresRow) throws -> Overlay {
        let type = try row.string("connection_type")
        let version = Int(try row.int64("connection_version"))
        let spec = try catalog.spec(type: type, version: version)
        let connection = spec.effectiveConnection(
            SecretColumns.redactedView(plain: try row.object("connection_schema"), sealed: try row.object("connection_secrets")))
        let overrides = SecretColumns.redactedView(plain: try row.object("overrides"), sealed: try row.object("secrets"))
        let effective = spec.effectiveConf(connection: connection, overrides: overrides, role: role)
        return Overlay(
            id: try row.string("id"), name: try row.string("name"), namespace: try row.string("namespace"),
            connectionID: try row.string("connection_id"), conf: effective.values, overrides: overrides,
            revision: try row.int64("revision"), createTime: try row.timestamp("create_time_us"),
            updateTime: try row.timestamp("update_time_us"))
    }

    private func stale(_ name: String, _ expected: Int64, _ current: Int64) -> RPCError {
        RPCError(.aborted, "\(noun) \"\(name)\" changed since revision \(expected) (now \(current)): read it again")
    }
}
