import DMSClient
import DMSEngine
import DMSWire
import Foundation
import Logging

/// Everything dmsd needs to start, with working defaults.
///
/// Read by ``DaemonConfiguration/resolve(flags:environment:)`` from, in order of precedence,
/// command-line flags, `DMS_*` environment variables, and a YAML config file.
public struct DaemonConfiguration: Sendable, Equatable {
    /// Address to listen on, `host:port`.
    public var listenHost: String = "127.0.0.1"
    /// Port to listen on; 0 picks a free one.
    public var listenPort: Int = 7443
    /// Where dmsd keeps its state: TLS material, tokens, (later) the embedded database.
    public var dataDirectory: String = DaemonConfiguration.defaultDataDirectory()
    /// Server certificate and key; when both are nil a development CA and certificate are made.
    public var tlsCertificateFile: String?
    /// The private key of `tlsCertificateFile`.
    public var tlsKeyFile: String?
    /// When set, clients must present a certificate signed by this CA.
    public var tlsClientCAFile: String?
    /// Extra names for the generated development certificate.
    public var tlsExtraNames: [String] = []
    /// Largest frame accepted, bytes.
    public var maximumFrameBytes: Int = WireLimits.defaultMaximumFrameBytes
    /// Cap on calls in flight per connection.
    public var maximumCallsPerConnection: Int = WireLimits.defaultMaximumCallsPerConnection
    /// Seconds a client has to complete the TLS handshake.
    public var handshakeTimeoutSeconds: Double = 10
    /// Seconds a connection with no call in flight may stay silent.
    public var idleTimeoutSeconds: Double = 300
    /// Seconds a graceful shutdown waits for calls in flight.
    public var drainTimeoutSeconds: Double = 30
    /// Log level: trace, debug, info, notice, warning, error, critical.
    public var logLevel: Logger.Level = .info
    /// Where the bootstrap admin token and the server's address are written for dmsctl; nil: nowhere.
    public var clientConfigFile: String? = ClientConfigFile.defaultPath()
    /// The context name dmsd writes into the client configuration.
    public var clientContextName: String = "local"
    /// A file dmsd writes `host:port` into once it accepts connections (for scripts and tests).
    public var readyFile: String?
    /// The metadata database: a libpq conninfo string or `postgresql://` URI (PG* variables and
    /// .pgpass apply). nil: the embedded cluster in `<data-dir>/postgres`.
    public var databaseURL: String?
    /// Most connections to the metadata database.
    public var databasePoolSize: Int = 16
    /// The master key file (one base64 key per line; the first seals). Default `<data-dir>/master.key`,
    /// generated (0600) on first start.
    public var masterKeyFile: String = ""
    /// The master keys from `DMS_MASTER_KEY` (comma-separated base64), which win over the file.
    public var masterKeyFromEnvironment: String?
    /// The system user the embedded PostgreSQL runs as when dmsd runs as root.
    public var postgresUser: String = "dms-postgres"
    /// The Spark master runs go to: `local[*]` (default), `spark://…`, `yarn`, `k8s://…`.
    public var sparkMaster: String = "local[*]"
    /// The spark-submit program; nil: found in `$DMS_VENV/bin`, `./.venv/bin`, `$SPARK_HOME/bin`, `PATH`.
    public var sparkSubmit: String?
    /// `warm` (default): in local mode runs share one long-lived Spark driver; `submit`: every run
    /// is its own spark-submit; `simulate`: no Spark, runs succeed without moving data.
    public var sparkMode: SparkSettings.Mode = .warm
    /// A directory of extra JDBC driver jars (Debian's /usr/share/java is always searched).
    public var sparkDriversDirectory: String?
    /// Most runs RUNNING at once, over every replica sharing the database.
    public var maximumConcurrentRuns: Int = 4
    /// How long a run's claim lasts without a heartbeat: a replica that died has its runs failed
    /// (and retried per their jobs) by another replica this long after its last heartbeat.
    public var runLeaseSeconds: Double = 30
    /// How late a schedule tick may be turned into a run and still count as on time; older ticks
    /// are missed and follow their job's misfire policy.
    public var misfireGraceSeconds: Double = 60
    /// How long a run lasts in spark-mode `simulate`.
    public var simulatedRunSeconds: Double = 1

    /// Creates the defaults.
    public init() {}

    /// `$XDG_DATA_HOME/dms`, else `~/.local/share/dms`.
    public static func defaultDataDirectory(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let xdg = environment["XDG_DATA_HOME"], !xdg.isEmpty { return "\(xdg)/dms" }
        return "\(environment["HOME"] ?? NSHomeDirectory())/.local/share/dms"
    }
}
