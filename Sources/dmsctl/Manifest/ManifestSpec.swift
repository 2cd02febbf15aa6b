import DMSCatalog

/// The `spec` of a document, per kind. A field a document leaves out is `nil`: apply leaves it as
/// it is on the server (a new resource gets the server's default).
enum ManifestSpec: Sendable {
    case namespace(NamespaceSpec)
    case connection(ConnectionSpec)
    case source(LayeredSpec)
    case target(LayeredSpec)
    case job(JobSpec)

    /// A Namespace's spec.
    struct NamespaceSpec: Sendable {
        /// `description`.
        var description: String?
    }

    /// A Connection's spec.
    struct ConnectionSpec: Sendable {
        /// `type`, the connector; required.
        var type: String
        /// `version` of the connector's spec; `nil`: the latest on create, unchanged on update.
        var version: Int32?
        /// `schema`, the whole configuration object, secret references already resolved.
        var schema: [String: JSONValue]?
    }

    /// A Source's or Target's spec.
    struct LayeredSpec: Sendable {
        /// `connection`: the name of the connection it extends (same namespace); required.
        var connection: String
        /// `conf`: all of its own fields, secret references already resolved.
        var conf: [String: JSONValue]?
    }

    /// A MigrationJob's spec.
    struct JobSpec: Sendable {
        /// `source`: the name of the source (same namespace); required.
        var source: String
        /// `target`: the name of the target (same namespace); required.
        var target: String
        var schedule: String?
        var timeZone: String?
        var paused: Bool?
        var options: [String: JSONValue]?
        var sparkConf: [String: String]?
        var timeoutSeconds: Int64?
        var maxAttempts: Int32?
        var retryBackoffSeconds: Int64?
        var overlapPolicy: OverlapPolicyArgument?
        var misfirePolicy: MisfirePolicyArgument?
        var misfireMaxRuns: Int32?
    }
}
