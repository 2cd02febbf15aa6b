import Foundation
import Logging

/// A private PostgreSQL cluster in a directory of dmsd's: made with `initdb` on first start, run
/// with `pg_ctl`, reachable only through a Unix socket in that directory (unless a TCP port is
/// asked for, as the test suite does).
///
/// PostgreSQL refuses to run as root. When dmsd is root, the cluster runs as an unprivileged system
/// user (`dms-postgres`, created if missing) through `setpriv`, keeping only the capability to
/// traverse directories so that a data directory under `/root` works; the cluster's directory is
/// owned by that user, mode 0700.
///
/// Layout: `<directory>/data` (the cluster), `<directory>/postgres.log`, and the socket
/// `<directory>/.s.PGSQL.<port>`. A cluster left running by a dmsd that was killed is adopted by
/// the next start.
public struct EmbeddedPostgres: Sendable {
    /// Where and how the cluster runs.
    public struct Configuration: Sendable {
        /// The cluster's directory.
        public var directory: String
        /// The directory of `initdb`, `pg_ctl` and `postgres`; nil: the newest under /usr/lib/postgresql.
        public var binDirectory: String?
        /// The system user the cluster runs as when dmsd is root.
        public var systemUser: String
        /// The database dmsd uses.
        public var database: String
        /// Listen on 127.0.0.1 at this port too; nil: the Unix socket only.
        public var tcpPort: Int?
        /// The socket's port number (part of its file name).
        public var socketPort: Int
        /// PostgreSQL's `max_connections`, set when the cluster is created.
        public var maximumConnections: Int = 200

        /// Creates a configuration with the defaults.
        public init(directory: String, binDirectory: String? = nil, systemUser: String = "dms-postgres",
                    database: String = "dms", tcpPort: Int? = nil) {
            self.directory = directory
            self.binDirectory = binDirectory
            self.systemUser = systemUser
            self.database = database
            self.tcpPort = tcpPort
            self.socketPort = tcpPort ?? 5432
        }
    }

    /// The database role dmsd connects as.
    public static let role = "dms"

    let configuration: Configuration
    let logger: Logger

    /// Creates a handle on the cluster; nothing happens until ``start()``.
    public init(configuration: Configuration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// The conninfo of dmsd's database in the cluster.
    public var conninfo: String {
        "host=\(configuration.directory) port=\(configuration.socketPort) user=\(Self.role) dbname=\(configuration.database)"
    }

    private var dataDirectory: String { "\(configuration.directory)/data" }
    private var logFile: String { "\(configuration.directory)/postgres.log" }

    /// Creates the cluster if needed, starts it unless it runs already, and makes sure dmsd's
    /// database exists. Returns the conninfo to use.
    @discardableResult
    public func start() throws -> String {
        let socket = "\(configuration.directory)/.s.PGSQL.\(configuration.socketPort)"
        guard socket.utf8.count < 107 else {
            throw EmbeddedPostgresError(
                "the embedded PostgreSQL socket path \(socket) is longer than Unix sockets allow (107 bytes): use a shorter data directory")
        }
        let tools = try Tools.locate(configuration.binDirectory)
        let runner = try Runner(systemUser: configuration.systemUser)
        try prepareDirectory(runner)
        if !FileManager.default.fileExists(atPath: "\(dataDirectory)/PG_VERSION") {
            try initialise(tools, runner)
        }
        if try runner.run(tools.pgCtl, ["status", "-D", dataDirectory]).status == 0 {
            logger.info("adopting the embedded PostgreSQL that is already running", metadata: ["dms.postgres.directory": "\(configuration.directory)"])
        } else {
            let outcome = try runner.run(tools.pgCtl, ["start", "-D", dataDirectory, "-l", logFile, "-w", "-t", "120", "-s"])
            guard outcome.status == 0 else {
                throw EmbeddedPostgresError(
                    "the embedded PostgreSQL did not start (see \(logFile)): \(outcome.output.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            logger.info("started the embedded PostgreSQL", metadata: ["dms.postgres.directory": "\(configuration.directory)"])
        }
        try ensureDatabase()
        return conninfo
    }

    /// True when the cluster's postmaster is running (`pg_ctl status`).
    public var isRunning: Bool {
        guard FileManager.default.fileExists(atPath: "\(dataDirectory)/postmaster.pid"),
            let tools = try? Tools.locate(configuration.binDirectory), let runner = try? Runner(systemUser: configuration.systemUser)
        else { return false }
        return (try? runner.run(tools.pgCtl, ["status", "-D", dataDirectory]).status) == 0
    }

    /// Stops the cluster (fast shutdown: sessions are ended, then a clean checkpoint).
    public func stop() throws {
        let tools = try Tools.locate(configuration.binDirectory)
        let runner = try Runner(systemUser: configuration.systemUser)
        let outcome = try runner.run(tools.pgCtl, ["stop", "-D", dataDirectory, "-m", "fast", "-w", "-s"])
        if outcome.status != 0, try runner.run(tools.pgCtl, ["status", "-D", dataDirectory]).status == 0 {
            throw EmbeddedPostgresError("the embedded PostgreSQL did not stop: \(outcome.output)")
        }
        logger.info("stopped the embedded PostgreSQL", metadata: ["dms.postgres.directory": "\(configuration.directory)"])
    }

    private func prepareDirectory(_ runner: Runner) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: configuration.directory, withIntermediateDirectories: true)
        if let owner = runner.owner {
            guard chown(configuration.directory, owner.uid, owner.gid) == 0 else {
                throw EmbeddedPostgresError("cannot give \(configuration.directory) to user \(configuration.systemUser): errno \(errno)")
            }
        }
        chmod(configuration.directory, 0o700)
    }

    private func initialise(_ tools: Tools, _ runner: Runner) throws {
        logger.notice("creating the embedded PostgreSQL cluster", metadata: ["dms.postgres.directory": "\(configuration.directory)"])
        let outcome = try runner.run(
            tools.initdb,
            ["-D", dataDirectory, "-U", Self.role, "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-instructions"])
        guard outcome.status == 0 else {
            throw EmbeddedPostgresError("initdb failed: \(outcome.output.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        // Only the socket in the cluster's own (0700) directory, unless a TCP port is asked for.
        let listen = configuration.tcpPort == nil ? "''" : "'127.0.0.1'"
        let settings = """

            # dmsd's embedded cluster
            listen_addresses = \(listen)
            port = \(configuration.socketPort)
            unix_socket_directories = '\(configuration.directory)'
            unix_socket_permissions = 0700
            max_connections = \(configuration.maximumConnections)
            shared_buffers = 64MB
            logging_collector = off

            """
        let configFile = "\(dataDirectory)/postgresql.conf"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: configFile))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(settings.utf8))
        try handle.close()
    }

    private func ensureDatabase() throws {
        let admin = "host=\(configuration.directory) port=\(configuration.socketPort) user=\(Self.role) dbname=postgres"
        let connection = try PostgresConnection(conninfo: admin)
        if try connection.query("SELECT 1 FROM pg_database WHERE datname = $1", configuration.database).isEmpty {
            try connection.execute(script: "CREATE DATABASE \"\(configuration.database.replacingOccurrences(of: "\"", with: "\"\""))\"")
        }
    }
}

/// Why the embedded cluster could not be made, started or stopped.
public struct EmbeddedPostgresError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, for the operator.
    public let description: String

    init(_ description: String) { self.description = description }
}

extension EmbeddedPostgres {
    /// The PostgreSQL server programs.
    struct Tools {
        var initdb: String
        var pgCtl: String

        static func locate(_ configured: String?) throws -> Tools {
            let directory: String
            if let configured {
                directory = configured
            } else {
                let root = "/usr/lib/postgresql"
                let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
                    .compactMap(Int.init).sorted()
                guard let newest = versions.last else {
                    throw EmbeddedPostgresError(
                        "no PostgreSQL server programs under \(root): install PostgreSQL (scripts/bootstrap) or pass --database-url")
                }
                directory = "\(root)/\(newest)/bin"
            }
            let tools = Tools(initdb: "\(directory)/initdb", pgCtl: "\(directory)/pg_ctl")
            guard FileManager.default.isExecutableFile(atPath: tools.initdb), FileManager.default.isExecutableFile(atPath: tools.pgCtl) else {
                throw EmbeddedPostgresError("no initdb and pg_ctl in \(directory)")
            }
            return tools
        }
    }

    /// Runs the server programs as the current user, or — when that is root — as the system user.
    struct Runner {
        var owner: (uid: uid_t, gid: gid_t)?
        var systemUser: String
        var setpriv: String?

        init(systemUser: String) throws {
            self.systemUser = systemUser
            guard geteuid() == 0 else { return }
            if getpwnam(systemUser) == nil {
                guard let useradd = SystemCommand.find("useradd") else {
                    throw EmbeddedPostgresError("dmsd runs as root and needs the system user \(systemUser), but useradd is missing")
                }
                let outcome = try SystemCommand(
                    executable: useradd,
                    arguments: ["--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", systemUser]
                ).run()
                guard outcome.status == 0 || getpwnam(systemUser) != nil else {
                    throw EmbeddedPostgresError("cannot create the system user \(systemUser): \(outcome.output)")
                }
            }
            guard let entry = getpwnam(systemUser) else {
                throw EmbeddedPostgresError("no system user \(systemUser)")
            }
            owner = (entry.pointee.pw_uid, entry.pointee.pw_gid)
            guard let setpriv = SystemCommand.find("setpriv") else {
                throw EmbeddedPostgresError("dmsd runs as root and needs setpriv (util-linux) to run PostgreSQL as \(systemUser)")
            }
            self.setpriv = setpriv
        }

        func run(_ program: String, _ arguments: [String]) throws -> SystemCommand.Outcome {
            var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("PG") && !$0.key.hasPrefix("DMS_") }
            environment["LC_ALL"] = "C"
            guard let setpriv, let owner else {
                return try SystemCommand(executable: program, arguments: arguments, environment: environment).run()
            }
            environment["HOME"] = "/nonexistent"
            environment["USER"] = systemUser
            environment["LOGNAME"] = systemUser
            return try SystemCommand(
                executable: setpriv,
                arguments: [
                    "--reuid=\(owner.uid)", "--regid=\(owner.gid)", "--init-groups",
                    "--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search", "--", program,
                ] + arguments,
                environment: environment
            ).run()
        }
    }
}
