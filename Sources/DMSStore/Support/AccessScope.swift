import DMSWire

/// The namespaces a call may read or change, from its token.
public struct AccessScope: Sendable, Hashable {
    /// The one namespace a scoped token is bound to; nil: every namespace (admin).
    public let namespace: String?
    /// Whether the call may create, change and delete resources.
    public let mayWrite: Bool

    /// Every namespace, read and write: admin tokens and the store's own work.
    public static let everything = AccessScope(namespace: nil, mayWrite: true)

    /// A scope.
    public init(namespace: String?, mayWrite: Bool) {
        self.namespace = namespace
        self.mayWrite = mayWrite
    }

    /// The scope of `principal`; nil for callers that may see nothing (anonymous).
    public init?(_ principal: Principal) {
        switch principal.role {
        case .admin: self = .everything
        case .editor: self.init(namespace: principal.namespace, mayWrite: true)
        case .viewer: self.init(namespace: principal.namespace, mayWrite: false)
        case .anonymous: return nil
        }
    }

    /// Throws PERMISSION_DENIED unless `namespace` is within the scope.
    public func checkRead(_ namespace: String) throws {
        if let own = self.namespace, own != namespace {
            throw RPCError(.permissionDenied, "this token is limited to namespace \"\(own)\" and may not use namespace \"\(namespace)\"")
        }
    }

    /// Throws PERMISSION_DENIED unless the scope may change resources of `namespace`.
    public func checkWrite(_ namespace: String) throws {
        try checkRead(namespace)
        guard mayWrite else { throw RPCError(.permissionDenied, "this token may read but not change resources (role viewer)") }
    }

    /// Throws PERMISSION_DENIED unless the scope is an admin's.
    public func checkAdmin(_ action: String) throws {
        guard namespace == nil, mayWrite else { throw RPCError(.permissionDenied, "\(action) needs an admin token") }
    }

    /// The namespace a request means: its own field, else the call's default, else the token's own,
    /// else "default".
    public func resolve(requested: String, callDefault: String?) -> String {
        if !requested.isEmpty { return requested }
        if let callDefault, !callDefault.isEmpty { return callDefault }
        return namespace ?? "default"
    }
}
