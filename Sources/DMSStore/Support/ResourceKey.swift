import DMSPostgres
import DMSWire
import Foundation

/// Which resource a request means: by id, or by name within a namespace.
public enum ResourceKey: Sendable, Hashable {
    /// By its id.
    case id(UUID)
    /// By name, within a namespace.
    case name(String, namespace: String)

    /// The key of a request's `id` / `name` / `namespace` fields; the namespace defaults as
    /// ``AccessScope/resolve(requested:callDefault:)`` says.
    public init(id: String, name: String, namespace: String, scope: AccessScope, callDefault: String?, field: String = "id") throws {
        if !id.isEmpty {
            guard let uuid = UUID(text: id) else {
                throw RPCError.invalidArgument([.init(field: field, description: "is not an id of this server (a UUID)")])
            }
            self = .id(uuid)
        } else if !name.isEmpty {
            self = .name(name, namespace: scope.resolve(requested: namespace, callDefault: callDefault))
        } else {
            throw RPCError.invalidArgument([.init(field: field, description: "give the id, or the name")])
        }
    }

    /// For messages: `"x" in namespace "y"` or `id 1234…`.
    var display: String {
        switch self {
        case .id(let id): "with id \(id.text)"
        case .name(let name, let namespace): "\"\(name)\" in namespace \"\(namespace)\""
        }
    }

    /// A SQL condition on columns `id`, `name`, `namespace` with parameters from `$first`, and its
    /// parameters; the scope's namespace limit is part of it.
    func condition(first: Int, scope: AccessScope, qualifier: String = "") -> (sql: String, parameters: [any PostgresBindable]) {
        var sql: String
        var parameters: [any PostgresBindable]
        switch self {
        case .id(let id):
            sql = "\(qualifier)id = $\(first)"
            parameters = [id.text]
        case .name(let name, let namespace):
            sql = "\(qualifier)name = $\(first) AND \(qualifier)namespace = $\(first + 1)"
            parameters = [name, namespace]
        }
        if let own = scope.namespace {
            sql += " AND \(qualifier)namespace = $\(first + parameters.count)"
            parameters.append(own)
        }
        return (sql, parameters)
    }
}
