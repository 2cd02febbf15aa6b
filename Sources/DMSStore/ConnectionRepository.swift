import DMSCatalog
import DMSPostgres
import DMSProto
import DMSWire
import Foundation
import SwiftProtobuf

/// Connections: a connector type, its spec version and a configuration validated against it,
/// with secret fields sealed at rest.
public struct ConnectionRepository: Sendable {
    let pool: PostgresPool
    let catalog: ConnectorCatalog
    let secrets: SecretColumns

    static let columns = """
        id::text AS id, name, namespace, type, version, schema::text AS schema, secrets::text AS secrets, revision,
        \(SQLFragments.time("create_time")), \(SQLFragments.time("update_time"))
        """

    /// A stored connection row.
    struct Row: Sendable {
        var id: UUID
        var name: String
        var namespace: String
        var type: String
        var version: Int
        var plain: [String: JSONValue]
        var sealed: [String: JSONValue]
        var revision: Int64
        var createTime: Google_Protobuf_Timestamp
        var updateTime: Google_Protobuf_Timestamp

        init(_ row: PostgresRow) throws {
            guard let id = UUID(text: try row.string("id")) else {
                throw PostgresError(code: .unexpectedResult, message: "connection id is not a UUID")
            }
            self.id = id
            name = try row.string("name")
            namespace = try row.string("namespace")
            type = try row.string("type")
            version = Int(try row.int64("version"))
            plain = try row.object("schema")
            sealed = try row.object("secrets")
            revision = try row.int64("revision")
            createTime = try row.timestamp("create_time_us")
            updateTime = try row.timestamp("update_time_us")
        }
    }

    // MARK: Create

    /// Creates a connection in `namespace` after validating everything about it.
    public func create(_ request: Dms_V1_CreateConnectionRequest, namespace: String) async throws -> Dms_V1_Connection {
        var violations = [RPCError.FieldViolation]()
        if let reason = ResourceName.validate(request.name) { violations.append(.init(field: "name", description: reason)) }
        let spec = resolveSpec(type: request.type, version: Int(request.version), violations: &violations)
        let schema = JSONField.object(request.schema, field: "schema", emptyIsObject: false, violations: &violations)
        if let spec, let schema {
            violations += SecretColumns.placeholderViolations(schema, spec: spec, keeping: [], path: "schema")
            violations += spec.validateConnection(.object(schema)).map { $0.field(under: "schema") }
        }
        guard violations.isEmpty, let spec, let schema else { throw RPCError.invalidArgument(violations) }

        let id = UUID()
        let (plain, sealed) = try secrets.seal(schema, secretFields: spec.secretFields, table: "connections", id: id)
        let name = request.name
        do {
            let row = try await pool.query(
                """
                INSERT INTO connections (id, name, namespace, type, version, schema, secrets)
                VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7::jsonb) RETURNING \(Self.columns)
                """, [id, name, namespace, request.type, spec.version, plain.jsonText, sealed.jsonText]
            ).first!
            return try render(Row(row))
        } catch let error as PostgresError where error.code == .uniqueViolation {
            throw RPCError(.alreadyExists, "a connection named \"\(name)\" already exists (connection names are unique across namespaces)")
        } catch let error as PostgresError where error.code == .foreignKeyViolation {
            throw RPCError(.failedPrecondition, "namespace \"\(namespace)\" does not exist")
        }
    }

    // MARK: Read

    /// One connection within `scope`; NOT_FOUND otherwise.
    public func get(_ key: ResourceKey, scope: AccessScope) async throws -> Dms_V1_Connection {
        try render(try await row(key, scope: scope))
    }

    /// The stored row of one connection within `scope`.
    func row(_ key: ResourceKey, scope: AccessScope) async throws -> Row {
        let condition = key.condition(first: 1, scope: scope)
        let found = try await pool.query("SELECT \(Self.columns) FROM connections WHERE \(condition.sql)", condition.parameters).first
        guard let found else { throw RPCError(.notFound, "no connection \(key.display)") }
        return try Row(found)
    }

    /// What testing a connection needs: its connector type and spec version, and its effective
    /// configuration with secrets in clear (for the engine only; never for a response), plus those
    /// secret values for scrubbing. NOT_FOUND outside `scope`, as ``get(_:scope:)``.
    public func runtimeConfiguration(_ key: ResourceKey, scope: AccessScope) async throws -> RuntimeConfiguration {
        let row = try await row(key, scope: scope)
        let spec = try catalog.spec(type: row.type, version: row.version)
        let opened = try secrets.open(row.sealed, table: "connections", id: row.id)
        let conf = spec.effectiveConnection(row.plain.merging(opened) { _, secret in secret })
        return RuntimeConfiguration(type: row.type, version: row.version, conf: conf, secretValues: RuntimeConfiguration.values(ofSecrets: [opened]))
    }

    /// A page of connections ordered by name.
    public func list(_ request: Dms_V1_ListConnectionsRequest, namespace: String?) async throws -> Dms_V1_ListConnectionsResponse {
        let size = try Paging.size(request.pageSize)
        let after = try Paging.after(request.pageToken)
        let rows = try await pool.withConnection { connection in
            Array(
                try connection.query(
                    """
                    SELECT \(Self.columns) FROM connections
                    WHERE name > $1 AND name LIKE $2 AND ($3::text IS NULL OR namespace = $3)
                      AND ($4 = '' OR type = $4)
                    ORDER BY name LIMIT $5
                    """, after, Paging.likePrefix(request.namePrefix), namespace, request.type, size + 1))
        }
        let page = Paging.page(rows, size: size) { (try? $0.string("name")) ?? "" }
        var response = Dms_V1_ListConnectionsResponse()
        response.connections = try page.rows.map { try render(Row($0)) }
        response.nextPageToken = page.next
        return response
    }

    // MARK: Update

    /// Changes the name and/or the configuration. A configuration equal to the stored one (secrets
    /// compared in plaintext) with the same name changes nothing: the revision stays.
    public func update(_ request: Dms_V1_UpdateConnectionRequest, key: ResourceKey, scope: AccessScope) async throws -> Dms_V1_Connection {
        var violations = [RPCError.FieldViolation]()
        let mask = UpdateMask(request.updateMask, allowed: ["new_name", "schema"], violations: &violations)
        let changesName = mask.includes("new_name", nonEmpty: !request.newName.isEmpty)
        let changesSchema = mask.includes("schema", nonEmpty: !request.schema.isEmpty)
        if request.expectedRevision <= 0 { violations.append(.init(field: "expected_revision", description: "required: the revision you read")) }
        if changesName, let reason = ResourceName.validate(request.newName) { violations.append(.init(field: "new_name", description: reason)) }
        let incoming = changesSchema ? JSONField.object(request.schema, field: "schema", emptyIsObject: false, violations: &violations) : nil
        guard violations.isEmpty else { throw RPCError.invalidArgument(violations) }

        let current = try await row(key, scope: scope)
        try scope.checkWrite(current.namespace)
        let spec = try catalog.spec(type: current.type, version: current.version)
        let storedSecrets = try secrets.open(current.sealed, table: "connections", id: current.id)
        var schema = current.plain.merging(storedSecrets) { plain, _ in plain }
        if let incoming {
            violations += SecretColumns.placeholderViolations(incoming, spec: spec, keeping: Set(current.sealed.keys), path: "schema")
            schema = spec.restoringSecrets(incoming, from: storedSecrets)
            violations += spec.validateConnection(.object(schema)).map { $0.field(under: "schema") }
        }
        guard violations.isEmpty else { throw RPCError.invalidArgument(violations) }
        let newName = changesName ? request.newName : current.name
        // Equal once defaults are filled in: a client that sends back what it read changes nothing.
        let unchanged = newName == current.name
            && spec.effectiveConnection(schema) == spec.effectiveConnection(current.plain.merging(storedSecrets) { plain, _ in plain })
        if unchanged {
            guard current.revision == request.expectedRevision else { throw stale(current, request.expectedRevision) }
            return try render(current)
        }
        let (plain, sealed) = try secrets.seal(schema, secretFields: spec.secretFields, table: "connections", id: current.id)
        let updated: PostgresRow?
        do {
            updated = try await pool.withConnection { connection in
                try connection.query(
                    """
                    UPDATE connections SET name = $2, schema = $3::jsonb, secrets = $4::jsonb,
                        revision = revision + 1, update_time = now()
                    WHERE id = $1 AND revision = $5 RETURNING \(Self.columns)
                    """, current.id, newName, plain.jsonText, sealed.jsonText, request.expectedRevision
                ).first
            }
        } catch let error as PostgresError where error.code == .uniqueViolation {
            throw RPCError(.alreadyExists, "a connection named \"\(newName)\" already exists (connection names are unique across namespaces)")
        }
        guard let updated else { throw stale(current, request.expectedRevision) }
        return try render(Row(updated))
    }

    // MARK: Upgrade

    /// Moves a connection to a newer spec version. The configuration is carried over (or given),
    /// the Sources' and Targets' overrides are carried with it, and everything must validate under
    /// the new version, or nothing changes.
    public func upgrade(_ request: Dms_V1_UpgradeConnectionRequest, key: ResourceKey, scope: AccessScope) async throws -> Dms_V1_Connection {
        if request.expectedRevision <= 0 {
            throw RPCError.invalidArgument([.init(field: "expected_revision", description: "required: the revision you read")])
        }
        let current = try await row(key, scope: scope)
        try scope.checkWrite(current.namespace)
        guard let connector = catalog.type(named: current.type) else {
            throw RPCError(.failedPrecondition, "connector type \(current.type) is no longer known to this dmsd")
        }
        let target = request.toVersion == 0 ? connector.latestVersion : Int(request.toVersion)
        guard let spec = connector.spec(version: target) else {
            throw RPCError.invalidArgument([.init(field: "to_version", description: "\(current.type) has versions 1 to \(connector.latestVersion)")])
        }
        guard target > current.version else {
            throw RPCError.invalidArgument([.init(field: "to_version", description: "must be newer than the connection's version \(current.version)")])
        }
        let storedSecrets = try secrets.open(current.sealed, table: "connections", id: current.id)
        let full = current.plain.merging(storedSecrets) { plain, _ in plain }
        var violations = [RPCError.FieldViolation]()
        var schema: [String: JSONValue]
        if request.schema.isEmpty {
            schema = try catalog.upgrade(full, type: current.type, from: current.version, to: target)
        } else {
            guard let given = JSONField.object(request.schema, field: "schema", emptyIsObject: false, violations: &violations) else {
                throw RPCError.invalidArgument(violations)
            }
            let carried = try catalog.upgrade(full, type: current.type, from: current.version, to: target)
            schema = spec.restoringSecrets(given, from: carried)
            violations += SecretColumns.placeholderViolations(given, spec: spec, keeping: Set(carried.keys), path: "schema")
        }
        violations += spec.validateConnection(.object(schema)).map { $0.field(under: "schema") }
        guard violations.isEmpty else { throw RPCError.invalidArgument(violations) }
        let (plain, sealed) = try secrets.seal(schema, secretFields: spec.secretFields, table: "connections", id: current.id)
        let redactedConnection = spec.effectiveConnection(spec.redacted(schema))

        let catalog = catalog
        let secrets = secrets
        let row = try await pool.withTransaction { connection -> PostgresRow? in
            guard
                let updated = try connection.query(
                    """
                    UPDATE connections SET version = $2, schema = $3::jsonb, secrets = $4::jsonb,
                        revision = revision + 1, update_time = now()
                    WHERE id = $1 AND revision = $5 RETURNING \(Self.columns)
                    """, current.id, target, plain.jsonText, sealed.jsonText, request.expectedRevision
                ).first
            else { return nil }
            // Carry every Source's and Target's overrides to the new version too.
            var problems = [RPCError.FieldViolation]()
            for role in [ConnectorSpec.Role.source, .target] {
                let table = role == .source ? "sources" : "targets"
                for dependent in try connection.query(
                    "SELECT id::text AS id, name, overrides::text AS overrides, secrets::text AS secrets FROM \(table) WHERE connection_id = $1 FOR UPDATE",
                    current.id)
                {
                    let id = UUID(text: try dependent.string("id"))!
                    let name = try dependent.string("name")
                    let opened = try secrets.open(try dependent.object("secrets"), table: table, id: id)
                    let overrides = try dependent.object("overrides").merging(opened) { plain, _ in plain }
                    let carried = try catalog.upgrade(overrides, type: current.type, from: current.version, to: target)
                    let redacted = spec.redacted(carried)
                    problems += spec.validateOverrides(.object(redacted), role: role, connection: redactedConnection)
                        .map { $0.field(under: "\(role.rawValue)s[\(name)].conf") }
                    let (plainOverrides, sealedOverrides) = try secrets.seal(carried, secretFields: spec.secretFields, table: table, id: id)
                    try connection.query(
                        "UPDATE \(table) SET overrides = $2::jsonb, secrets = $3::jsonb, revision = revision + 1, update_time = now() WHERE id = $1",
                        id, plainOverrides.jsonText, sealedOverrides.jsonText)
                }
            }
            guard problems.isEmpty else { throw RPCError.invalidArgument(problems) }
            return updated
        }
        guard let row else { throw stale(current, request.expectedRevision) }
        return try render(Row(row))
    }

    // MARK: Delete

    /// Deletes a connection no Source or Target uses; FAILED_PRECONDITION naming them otherwise.
    public func delete(key: ResourceKey, expectedRevision: Int64, scope: AccessScope) async throws {
        let current = try await row(key, scope: scope)
        try scope.checkWrite(current.namespace)
        let outcome: (deleted: Bool, users: [String])
        do {
            outcome = try await pool.withTransaction { connection -> (deleted: Bool, users: [String]) in
                let users = try Self.users(of: current.id, in: connection)
                guard users.isEmpty else { return (false, users) }
                let deleted = try connection.query(
                    "DELETE FROM connections WHERE id = $1 AND ($2 = 0 OR revision = $2)", current.id, expectedRevision
                ).affectedRows == 1
                return (deleted, [])
            }
        } catch let error as PostgresError where error.code == .foreignKeyViolation {
            // A source or target was created on it between the check and the DELETE (committed
            // while the DELETE waited for the row): name those that use it now.
            let users = try await pool.withConnection { try Self.users(of: current.id, in: $0) }
            guard !users.isEmpty else {
                throw RPCError(.aborted, "connection \"\(current.name)\" was used by a source or target meanwhile: try again")
            }
            outcome = (false, users)
        }
        if !outcome.users.isEmpty {
            let listed = outcome.users.prefix(10).joined(separator: ", ") + (outcome.users.count > 10 ? ", …" : "")
            throw RPCError(.failedPrecondition, "connection \"\(current.name)\" is in use by \(listed): delete or repoint them first")
        }
        if !outcome.deleted { throw stale(current, expectedRevision) }
    }

    /// The sources and targets that use connection `id`, as `source namespace/name`, at most 11.
    private static func users(of id: UUID, in connection: PostgresConnection) throws -> [String] {
        try Array(
            connection.query(
                """
                SELECT 'source ' || namespace || '/' || name AS user_name FROM sources WHERE connection_id = $1
                UNION ALL SELECT 'target ' || namespace || '/' || name FROM targets WHERE connection_id = $1
                ORDER BY 1 LIMIT 11
                """, id)
        ).map { try $0.string("user_name") }
    }

    // MARK: Rendering

    /// The connection as the API shows it: defaults filled in, secrets redacted.
    func render(_ row: Row) throws -> Dms_V1_Connection {
        var connection = Dms_V1_Connection()
        connection.id = row.id.text
        connection.name = row.name
        connection.namespace = row.namespace
        connection.type = row.type
        connection.version = Int32(row.version)
        let view = SecretColumns.redactedView(plain: row.plain, sealed: row.sealed)
        if let spec = try? catalog.spec(type: row.type, version: row.version) {
            connection.schema = spec.effectiveConnection(view).jsonText
        } else {
            connection.schema = view.jsonText
        }
        connection.revision = row.revision
        connection.createTime = row.createTime
        connection.updateTime = row.updateTime
        return connection
    }

    /// The connection's effective configuration, secrets redacted: what Sources and Targets inherit.
    func redactedEffectiveSchema(_ row: Row, spec: ConnectorSpec) -> [String: JSONValue] {
        spec.effectiveConnection(SecretColumns.redactedView(plain: row.plain, sealed: row.sealed))
    }

    private func resolveSpec(type: String, version: Int, violations: inout [RPCError.FieldViolation]) -> ConnectorSpec? {
        guard let connector = catalog.type(named: type) else {
            let known = catalog.types.map(\.type).joined(separator: ", ")
            violations.append(.init(field: "type", description: type.isEmpty ? "required; one of: \(known)" : "unknown connector type; one of: \(known)"))
            return nil
        }
        if version < 0 || (version > 0 && connector.spec(version: version) == nil) {
            violations.append(.init(field: "version", description: "\(type) has spec versions 1 to \(connector.latestVersion) (0: the latest)"))
            return nil
        }
        return version == 0 ? connector.latest : connector.spec(version: version)
    }

    private func stale(_ current: Row, _ expected: Int64) -> RPCError {
        RPCError(.aborted, "connection \"\(current.name)\" changed since revision \(expected) (now \(current.revision)): read it again")
    }
}
