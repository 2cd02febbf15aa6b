import ArgumentParser
import DMSDaemon
import Foundation
import Logging

/// dmsd — the DMS daemon. Parses configuration and runs ``Daemon`` (or an operator's task such as
/// ``RotateKeyCommand``); nothing else.
@main
struct DMSD: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dmsd",
        abstract: "The DMS daemon: serves the DMS API over TLS.",
        discussion: """
            Settings come from flags, then DMS_* environment variables (DMS_LISTEN, DMS_DATA_DIR, …: \
            the flag name upper-cased with _), then the YAML file given by --config or DMS_CONFIG_FILE \
            (keys are the flag names: listen, data-dir, …), then defaults.

            With no TLS certificate given, dmsd makes a development CA and server certificate in \
            <data-dir>/tls on first start. On first start it also makes a bootstrap admin token and \
            writes it, with the server address and CA, into the client configuration (mode 0600) \
            that dmsctl reads.

            Exit codes: 0 after a graceful shutdown (SIGTERM/SIGINT), 1 on a runtime error, 64 on a \
            configuration error.
            """,
        version: Daemon.version,
        subcommands: [ServeCommand.self, RotateKeyCommand.self],
        defaultSubcommand: ServeCommand.self)
}

/// `dmsd serve` (the default): runs the daemon until SIGTERM/SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the daemon (the default when no subcommand is given).")

    @OptionGroup var options: DaemonOptions


    func run() async throws {
        let configuration = try options.resolve()
        let logger = DaemonOptions.bootstrapLogging(configuration)
        do {
            try await Daemon(configuration: configuration, logger: logger).run()
        } catch {
            logger.critical("dmsd stopped", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
    }
}

/// The settings every dmsd subcommand reads (flags > DMS_* > config file > defaults).
struct DaemonOptions: ParsableArguments {
    @Option(help: "Listen address, host:port (default 127.0.0.1:7443; port 0 picks a free one).")
    var listen: String?

    @Option(help: "Data directory (default $XDG_DATA_HOME/dms or ~/.local/share/dms).")
    var dataDir: String?

    @Option(help: "YAML config file.")
    var config: String?

    @Option(help: "Server certificate (PEM). Give with --tls-key.")
    var tlsCert: String?

    @Option(help: "Server private key (PEM).")
    var tlsKey: String?

    @Option(help: "CA (PEM) that client certificates must chain to: turns on mutual TLS.")
    var tlsClientCa: String?

    @Option(help: "Extra host names or IP addresses for the generated development certificate (comma-separated).")
    var tlsNames: String?

    @Option(help: "Largest frame accepted, in bytes (default 4194304).")
    var maxFrameBytes: Int?

    @Option(help: "Most calls in flight per connection (default 100).")
    var maxCallsPerConnection: Int?

    @Option(help: "Seconds a client has to finish the TLS handshake (default 10).")
    var handshakeTimeout: Double?

    @Option(help: "Seconds an idle connection is kept (default 300).")
    var idleTimeout: Double?

    @Option(help: "Seconds a graceful shutdown waits for calls in flight (default 30).")
    var drainTimeout: Double?

    @Option(help: "trace, debug, info, notice, warning, error or critical (default info).")
    var logLevel: String?

    @Option(help: "Client configuration to write the bootstrap context into (default ~/.config/dms/config; \"none\" to skip).")
    var clientConfig: String?

    @Option(help: "Name of the context written into the client configuration (default local).")
    var context: String?

    @Option(help: "File to write host:port into once dmsd accepts connections.")
    var readyFile: String?

    @Option(help: "Metadata database: libpq conninfo or postgresql:// URI (PG* variables and .pgpass apply; keep passwords out of it: use PGPASSWORD, .pgpass or DMS_DATABASE_URL). Default: an embedded PostgreSQL in <data-dir>/postgres.")
    var databaseUrl: String?

    @Option(help: "Most connections to the metadata database (default 16).")
    var databasePoolSize: Int?

    @Option(help: "Master key file for secrets at rest (default <data-dir>/master.key, generated on first start). DMS_MASTER_KEY (base64) wins over it.")
    var masterKeyFile: String?

    @Option(help: "System user the embedded PostgreSQL runs as when dmsd runs as root (default dms-postgres, created if missing).")
    var postgresUser: String?

    @Option(help: "Spark master for runs: local[*] (default), local[N], spark://host:port, yarn or k8s://….")
    var sparkMaster: String?

    @Option(help: "The spark-submit program (default: $DMS_VENV/bin, ./.venv/bin, $SPARK_HOME/bin, then PATH).")
    var sparkSubmit: String?

    @Option(help: "warm (default): in local mode, runs share one long-lived Spark driver; submit: every run is its own spark-submit; simulate: no Spark, every run succeeds after --simulated-run-seconds without moving data.")
    var sparkMode: String?

    @Option(help: "A directory of extra JDBC driver jars (Debian's /usr/share/java is always searched).")
    var sparkDriversDir: String?

    @Option(help: "Most runs running at once, over every dmsd sharing the database (default 4).")
    var maxConcurrentRuns: Int?

    @Option(help: "Seconds a run's claim lasts without a heartbeat; another dmsd fails (or retries) the runs of one that died this long after its last heartbeat (default 30).")
    var runLease: Double?

    @Option(help: "Seconds a schedule tick may be late and still count as on time; older ticks follow their job's misfire policy (default 60).")
    var misfireGrace: Double?

    @Option(help: "Seconds a run lasts with --spark-mode simulate (default 1).")
    var simulatedRunSeconds: Double?

    /// The resolved configuration; exits 64 with the offending setting named on a bad value.
    func resolve() throws -> DaemonConfiguration {
        var flags = DaemonSettings()
        flags.listen = listen
        flags.dataDir = dataDir
        flags.tlsCert = tlsCert
        flags.tlsKey = tlsKey
        flags.tlsClientCA = tlsClientCa
        flags.tlsNames = tlsNames?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        flags.maxFrameBytes = maxFrameBytes
        flags.maxCallsPerConnection = maxCallsPerConnection
        flags.handshakeTimeout = handshakeTimeout
        flags.idleTimeout = idleTimeout
        flags.drainTimeout = drainTimeout
        flags.logLevel = logLevel
        flags.clientConfig = clientConfig
        flags.context = context
        flags.readyFile = readyFile
        flags.databaseURL = databaseUrl
        flags.databasePoolSize = databasePoolSize
        flags.masterKeyFile = masterKeyFile
        flags.postgresUser = postgresUser
        flags.sparkMaster = sparkMaster
        flags.sparkSubmit = sparkSubmit
        flags.sparkMode = sparkMode
        flags.sparkDriversDir = sparkDriversDir
        flags.maxConcurrentRuns = maxConcurrentRuns
        flags.runLease = runLease
        flags.misfireGrace = misfireGrace
        flags.simulatedRunSeconds = simulatedRunSeconds
        do {
            return try DaemonConfiguration.resolve(flags: flags.withOrigins { "--\($0)" }, configFile: config)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("dmsd: configuration error: \(error)\n".utf8))
            throw ExitCode(64)
        }
    }

    /// Sets up logging to stderr at the configured level and returns dmsd's logger.
    static func bootstrapLogging(_ configuration: DaemonConfiguration) -> Logger {
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "dmsd")
    }
}
