import DMSRPCServer
import DMSStore
import DMSWire

extension CallContext {
    /// What the caller's token may reach; UNAUTHENTICATED for anonymous callers.
    func scope() throws -> AccessScope {
        guard let scope = AccessScope(principal) else {
            throw RPCError(.unauthenticated, "this method needs a bearer token")
        }
        return scope
    }

    /// The namespace a create or list means (request field, call default, token's own, "default"),
    /// checked against the scope for reading.
    func readableNamespace(_ requested: String, scope: AccessScope) throws -> String {
        let namespace = scope.resolve(requested: requested, callDefault: self.namespace)
        try scope.checkRead(namespace)
        return namespace
    }

    /// As ``readableNamespace(_:scope:)``, checked for writing.
    func writableNamespace(_ requested: String, scope: AccessScope) throws -> String {
        let namespace = scope.resolve(requested: requested, callDefault: self.namespace)
        try scope.checkWrite(namespace)
        return namespace
    }

    /// The namespace filter of a list: the request's, else the call's default, else (nil) every
    /// namespace the scope covers.
    func listNamespace(_ requested: String, scope: AccessScope) throws -> String? {
        let chosen = requested.isEmpty ? namespace : requested
        if let chosen {
            try scope.checkRead(chosen)
            return chosen
        }
        return scope.namespace
    }

    /// The key of a request's `id` / `name` / `namespace`; a named foreign namespace is refused.
    func key(id: String, name: String, namespace: String, scope: AccessScope) throws -> ResourceKey {
        if id.isEmpty, !name.isEmpty { _ = try readableNamespace(namespace, scope: scope) }
        return try ResourceKey(id: id, name: name, namespace: namespace, scope: scope, callDefault: self.namespace)
    }
}
