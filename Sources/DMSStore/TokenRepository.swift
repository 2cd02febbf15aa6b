import DMSAuth
import DMSPostgres
import DMSProto
import DMSWire
import Foundation
import Synchronization

/// API tokens in the store: only SHA-256 digests are kept. Also the authenticator's lookup of a
/// presented token, with a short cache so that a busy client costs one query every few seconds.
///
/// Revoking on this replica takes effect at once; other replicas see it within
/// ``cacheLifetime``.
public final class TokenRepository: TokenStore {
    /// How long a looked-up token is trusted without asking the database again.
    public static let cacheLifetime: Duration = .seconds(2)

    let pool: PostgresPool
    private let cache = Mutex<[TokenHash: (principal: Principal?, until: ContinuousClock.Instant)]>([:])

    init(pool: PostgresPool) {
        self.pool = pool
    }

    private static let columns = """
        id::text AS id, name, namespace, role, prefix, \(SQLFragments.time("create_time")),
        CASE WHEN expire_time IS NULL THEN NULL ELSE (floor(extract(epoch FROM expire_time) * 1000000))::int8 END AS expire_time_us,
        CASE WHEN last_used_time IS NULL THEN NULL ELSE (floor(extract(epoch FROM last_used_time) * 1000000))::int8 END AS last_used_time_us,
        CASE WHEN revoke_time IS NULL THEN NULL ELSE (floor(extract(epoch FROM revoke_time) * 1000000))::int8 END AS revoke_time_us
        """

    // MARK: Authentication

    public func principal(for hash: TokenHash) async throws -> Principal? {
        let now = ContinuousClock.now
        if let cached = cache.withLock({ $0[hash] }), cached.until > now { return cached.principal }
        let digest = hash.hex
        let principal = try await pool.withConnection { db -> Principal? in
            guard
                let row = try db.query(
                    """
                    SELECT id::text AS id, role, namespace, digest FROM tokens
                    WHERE digest = $1 AND revoke_time IS NULL AND (expire_time IS NULL OR expire_time > now())
                    """, digest
                ).first,
                AccessToken.constantTimeEquals(try row.string("digest"), digest),
                let role = Principal.Role(rawValue: try row.string("role"))
            else { return nil }
            let id = try row.string("id")
            try db.query(
                "UPDATE tokens SET last_used_time = now() WHERE id = $1 AND (last_used_time IS NULL OR last_used_time < now() - interval '1 minute')",
                id)
            return Principal(tokenID: id, role: role, namespace: try row.text("namespace"))
        }
        cache.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[hash] = (principal, now + Self.cacheLifetime)
        }
        return principal
    }

    // MARK: Management

    /// Creates the first admin token when the store has no token at all (first start); returns
    /// its secret, or nil when tokens exist.
    public func createBootstrapAdminIfEmpty() async throws -> String? {
        let token = AccessToken.generate()
        let created = try await pool.withTransaction { db in
            try db.query("LOCK TABLE tokens IN EXCLUSIVE MODE")
            guard try db.query("SELECT 1 FROM tokens LIMIT 1").isEmpty else { return false }
            try db.query(
                "INSERT INTO tokens (id, name, role, digest, prefix) VALUES ($1, 'bootstrap-admin', 'admin', $2, $3)",
                UUID(), AccessToken.digest(token), AccessToken.displayPrefix(token))
            return true
        }
        return created ? token : nil
    }

    /// Creates a token; the response carries its secret, the only time it is shown.
    public func create(_ request: Dms_V1_CreateTokenRequest, scope: AccessScope, callDefault: String?) async throws -> Dms_V1_CreateTokenResponse {
        var violations = [RPCError.FieldViolation]()
        let name = request.name
        if name.isEmpty || name.count > 128 || name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            violations.append(.init(field: "name", description: "1 to 128 printable characters"))
        }
        var namespace: String? = request.namespace.isEmpty ? nil : request.namespace
        switch request.role {
        case .admin:
            if namespace != nil { violations.append(.init(field: "namespace", description: "must be empty for an admin token")) }
        case .editor, .viewer:
            if namespace == nil, let own = scope.namespace { namespace = own }
            if namespace == nil { violations.append(.init(field: "namespace", description: "required for editor and viewer tokens")) }
        case .unspecified, .UNRECOGNIZED:
            violations.append(.init(field: "role", description: "one of TOKEN_ROLE_ADMIN, TOKEN_ROLE_EDITOR, TOKEN_ROLE_VIEWER"))
        }
        if request.ttlSeconds < 0 { violations.append(.init(field: "ttl_seconds", description: "must not be negative (0: never expires)")) }
        guard violations.isEmpty else { throw RPCError.invalidArgument(violations) }
        if request.role == .admin {
            try scope.checkAdmin("creating an admin token")
        } else if let namespace {
            try scope.checkWrite(namespace)
        }
        let token = AccessToken.generate()
        let role = Self.roleName(request.role)
        let ttl = request.ttlSeconds
        let tokenNamespace = namespace
        do {
            let row = try await pool.withConnection { db in
                try db.query(
                    """
                    INSERT INTO tokens (id, name, namespace, role, digest, prefix, expire_time)
                    VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7 = 0 THEN NULL ELSE now() + make_interval(secs => $7) END)
                    RETURNING \(Self.columns)
                    """, UUID(), name, tokenNamespace, role, AccessToken.digest(token), AccessToken.displayPrefix(token), ttl
                ).first!
            }
            var response = Dms_V1_CreateTokenResponse()
            response.token = try Self.token(row)
            response.secret = token
            return response
        } catch let error as PostgresError where error.code == .uniqueViolation {
            throw RPCError(.alreadyExists, "a token named \"\(name)\" already exists\(namespace.map { " in namespace \"\($0)\"" } ?? " among admin tokens")")
        } catch let error as PostgresError where error.code == .foreignKeyViolation {
            throw RPCError(.failedPrecondition, "namespace \"\(namespace ?? "")\" does not exist")
        }
    }

    /// Tokens the scope may see, newest first.
    public func list(_ request: Dms_V1_ListTokensRequest, scope: AccessScope) async throws -> Dms_V1_ListTokensResponse {
        let size = try Paging.size(request.pageSize)
        let after = try Paging.after(request.pageToken)
        if !request.namespace.isEmpty { try scope.checkRead(request.namespace) }
        let namespace: String? = request.namespace.isEmpty ? scope.namespace : request.namespace
        let rows = try await pool.withConnection { db in
            Array(
                try db.query(
                    """
                    SELECT \(Self.columns), create_time::text || id::text AS sort_key FROM tokens
                    WHERE ($1 = '' OR create_time::text || id::text < $1) AND ($2::text IS NULL OR namespace = $2)
                      AND ($3 OR revoke_time IS NULL)
                    ORDER BY create_time DESC, id DESC LIMIT $4
                    """, after, namespace, request.includeRevoked, size + 1))
        }
        let page = Paging.page(rows, size: size) { (try? $0.string("sort_key")) ?? "" }
        var response = Dms_V1_ListTokensResponse()
        response.tokens = try page.rows.map(Self.token)
        response.nextPageToken = page.next
        return response
    }

    /// One token by id, or by name within a namespace ("" for admin tokens).
    public func get(id: String, name: String, namespace: String, scope: AccessScope) async throws -> Dms_V1_Token {
        try Self.token(try await row(id: id, name: name, namespace: namespace, scope: scope))
    }

    /// Revokes a token; revoking it again changes nothing.
    public func revoke(id: String, name: String, namespace: String, scope: AccessScope) async throws -> Dms_V1_Token {
        let current = try await row(id: id, name: name, namespace: namespace, scope: scope)
        let tokenNamespace = try current.text("namespace")
        if let tokenNamespace { try scope.checkWrite(tokenNamespace) } else { try scope.checkAdmin("revoking an admin token") }
        let tokenID = try current.string("id")
        let row = try await pool.withConnection { db in
            try db.query(
                "UPDATE tokens SET revoke_time = coalesce(revoke_time, now()) WHERE id = $1::uuid RETURNING \(Self.columns)",
                tokenID
            ).first!
        }
        // Revoking is rare: forgetting every cached verdict (they are looked up again) is simpler
        // than finding this token's entry.
        cache.withLock { $0.removeAll() }
        return try Self.token(row)
    }

    private func row(id: String, name: String, namespace: String, scope: AccessScope) async throws -> PostgresRow {
        var condition: String
        var parameters: [any PostgresBindable]
        if !id.isEmpty {
            guard let uuid = UUID(text: id) else {
                throw RPCError.invalidArgument([.init(field: "id", description: "is not an id of this server (a UUID)")])
            }
            condition = "id = $1"
            parameters = [uuid]
        } else if !name.isEmpty {
            if !namespace.isEmpty { try scope.checkRead(namespace) }
            condition = "name = $1 AND namespace IS NOT DISTINCT FROM $2 AND revoke_time IS NULL"
            parameters = [name, namespace.isEmpty ? nil : namespace as String?]
        } else {
            throw RPCError.invalidArgument([.init(field: "id", description: "give the id, or the name")])
        }
        if let own = scope.namespace {
            condition += " AND namespace = $\(parameters.count + 1)"
            parameters.append(own)
        }
        let sql = "SELECT \(Self.columns) FROM tokens WHERE \(condition) ORDER BY create_time DESC LIMIT 1"
        let bound = parameters
        let found = try await pool.withConnection { db in try db.query(sql, bound).first }
        guard let found else { throw RPCError(.notFound, "no such token") }
        return found
    }

    static func roleName(_ role: Dms_V1_TokenRole) -> String {
        switch role {
        case .admin: "admin"
        case .editor: "editor"
        default: "viewer"
        }
    }

    static func token(_ row: PostgresRow) throws -> Dms_V1_Token {
        var token = Dms_V1_Token()
        token.id = try row.string("id")
        token.name = try row.string("name")
        token.namespace = try row.text("namespace") ?? ""
        token.role = switch try row.string("role") {
        case "admin": .admin
        case "editor": .editor
        default: .viewer
        }
        token.prefix = try row.string("prefix")
        token.createTime = try row.timestamp("create_time_us")
        if let time = try row.optionalTimestamp("expire_time_us") { token.expireTime = time }
        if let time = try row.optionalTimestamp("last_used_time_us") { token.lastUsedTime = time }
        if let time = try row.optionalTimestamp("revoke_time_us") { token.revokeTime = time }
        return token
    }
}
