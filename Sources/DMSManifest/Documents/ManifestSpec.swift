import DMSCatalog

/// The `spec` of a document, per kind. A field a document leaves out is `nil`: apply leaves it as
/// it is on the server (a new resource gets the server's default).
public enum ManifestSpec: Sendable {
    /// A Namespace's.
    case namespace(NamespaceSpec)
    /// A Connection's.
    case connection(ConnectionSpec)
    /// A Source's.
    case source(LayeredSpec)
    /// A Target's.
    case target(LayeredSpec)
    /// A MigrationJob's.
    case job(JobSpec)

    /// A Namespace's spec.
    public struct NamespaceSpec: Sendable {
        /// `description`.
        public var description: String?

        /// A spec with these fields.
        public init(description: String? = nil) {
            self.description = description
        }
    }

    /// A Connection's spec.
    public struct ConnectionSpec: Sendable {
        /// `type`, the connector; required.
        public var type: String
        /// `version` of the connector's spec; `nil`: the latest on create, unchanged on update.
        public var version: Int32?
        /// `schema`, the whole configuration object, secret references already resolved.
        public var schema: [String: JSONValue]?

        /// A spec with these fields.
        public init(type: String, version: Int32? = nil, schema: [String: JSONValue]? = nil) {
            self.type = type
            self.version = version
            self.schema = schema
        }
    }

    /// A Source's or Target's spec.
    public struct LayeredSpec: Sendable {
        /// `connection`: the name of the connection it extends (same namespace); required.
        public var connection: String
        /// `conf`: all of its own fields, secret references already resolved.
        public var conf: [String: JSONValue]?

        /// A spec with these fields.
        public init(connection: String, conf: [String: JSONValue]? = nil) {
            self.connection = connection
            self.conf = conf
        }
    }

    /// A MigrationJob's spec.
    public struct JobSpec: Sendable {
        /// `source`: the name of the source (same namespace); required.
        public var source: String
        /// `target`: the name of the target (same namespace); required.
        public var target: String
        /// `schedule`: a cron expression; empty for manual runs only.
        public var schedule: String?
        /// `timeZone`: the IANA zone the schedule is read in.
        public var timeZone: String?
        /// `paused`.
        public var paused: Bool?
        /// `options`: the whole options object.
        public var options: [String: JSONValue]?
        /// `sparkConf`: Spark settings, values as strings.
        public var sparkConf: [String: String]?
        /// `timeoutSeconds`; 0: no limit.
        public var timeoutSeconds: Int64?
        /// `maxAttempts`, the first included.
        public var maxAttempts: Int32?
        /// `retryBackoffSeconds`.
        public var retryBackoffSeconds: Int64?
        /// `overlapPolicy`.
        public var overlapPolicy: OverlapPolicyName?
        /// `misfirePolicy`.
        public var misfirePolicy: MisfirePolicyName?
        /// `misfireMaxRuns`.
        public var misfireMaxRuns: Int32?

        /// A spec of a job from `source` to `target`; every field not given is left out.
        public init(
            source: String, target: String, schedule: String? = nil, timeZone: String? = nil, paused: Bool? = nil,
            options: [String: JSONValue]? = nil, sparkConf: [String: String]? = nil, timeoutSeconds: Int64? = nil,
            maxAttempts: Int32? = nil, retryBackoffSeconds: Int64? = nil, overlapPolicy: OverlapPolicyName? = nil,
            misfirePolicy: MisfirePolicyName? = nil, misfireMaxRuns: Int32? = nil
        ) {
            self.source = source
            self.target = target
            self.schedule = schedule
            self.timeZone = timeZone
            self.paused = paused
            self.options = options
            self.sparkConf = sparkConf
            self.timeoutSeconds = timeoutSeconds
            self.maxAttempts = maxAttempts
            self.retryBackoffSeconds = retryBackoffSeconds
            self.overlapPolicy = overlapPolicy
            self.misfirePolicy = misfirePolicy
            self.misfireMaxRuns = misfireMaxRuns
        }
    }
}
