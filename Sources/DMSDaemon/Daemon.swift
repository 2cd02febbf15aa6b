import DMSAuth
import DMSClient
import DMSEngine
import DMSRPCServer
import DMSServices
import DMSStore
import DMSTLS
import DMSWire
import Foundation
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// dmsd: assembles the configured parts into one `ServiceGroup` and runs it until SIGTERM/SIGINT.
public struct Daemon: Sendable {
    /// The version dmsd reports.
    public static let version = "0.1.0"

    let configuration: DaemonConfiguration
    let logger: Logger

    /// Creates a daemon for `configuration`, logging through `logger`.
    public init(configuration: DaemonConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Runs until a graceful shutdown completes.
    public func run() async throws {
        let dataDirectory = configuration.dataDirectory
        try FileManager.default.createDirectory(
            atPath: dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])

        let tlsFiles = try tlsFiles()
        let tlsContext = try ServerTLS.makeContext(tlsFiles.server)

        let metadata = try await MetadataDatabase.open(configuration, logger: logger)
        do {
            try await serve(store: metadata.store, tlsFiles: tlsFiles, tlsContext: tlsContext)
        } catch {
            metadata.close(logger: logger)
            throw error
        }
        metadata.close(logger: logger)
    }

    private func serve(store: MetadataStore, tlsFiles: (server: ServerTLS.Files, clientTrust: String?), tlsContext: NIOSSLContext) async throws {
        let bootstrapToken = try await store.tokens.createBootstrapAdminIfEmpty()
        if bootstrapToken != nil {
            logger.notice("created the bootstrap admin token")
        }

        let statistics = ServerStatistics()
        let replica = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        let health = HealthService(statistics: statistics, version: Self.version, replica: replica)
        let engine = try SparkEngine(settings: sparkSettings(), logger: logger)
        let dispatcher = Dispatcher(
            store: store, engine: engine,
            configuration: Dispatcher.Configuration(
                replica: replica, limits: RunLimits(global: configuration.maximumConcurrentRuns),
                lease: .milliseconds(Int64(configuration.runLeaseSeconds * 1000)),
                misfireGrace: .milliseconds(Int64(configuration.misfireGraceSeconds * 1000))),
            logger: logger)
        // Watchers hear of changes committed on any replica through LISTEN/NOTIFY; the feed's
        // poll is only the safety net for a notification lost with a connection.
        let feed = RunEventFeed(runs: store.runs, interval: .seconds(2))
        let listener = RunEventListener(conninfo: store.pool.configuration.conninfo, logger: logger)
        listener.start { Task { await feed.notified() } }
        defer { listener.stop() }
        let signals = RunSignals(feed: feed, wakeDispatcher: { dispatcher.wake() })
        // The warm engine starts now, in the background, so that the first run does not pay for it.
        let prepare = Task { await engine.prepare() }
        defer { prepare.cancel() }
        let server = RPCServer(
            configuration: RPCServer.Configuration(
                host: configuration.listenHost,
                port: configuration.listenPort,
                maximumFrameBytes: configuration.maximumFrameBytes,
                maximumCallsPerConnection: configuration.maximumCallsPerConnection,
                handshakeTimeout: .seconds(configuration.handshakeTimeoutSeconds),
                idleTimeout: .seconds(configuration.idleTimeoutSeconds),
                drainTimeout: .seconds(configuration.drainTimeoutSeconds)),
            tlsContext: tlsContext,
            router: ServiceRouter.make(
                health: health, store: store, signals: signals,
                connectionTest: ConnectionTest(timeout: ConnectionTester.defaultTimeout) { [tester = engine.connectionTester] in
                    await tester.test($0, timeout: $1)
                }),
            authenticator: TokenCallAuthenticator(store: store.tokens),
            statistics: statistics,
            logger: logger,
            onListening: { address in
                announce(address, bootstrapToken: bootstrapToken, caFile: tlsFiles.clientTrust)
            })

        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: server), .init(service: dispatcher)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }

    /// How runs reach Spark, from the configuration.
    private func sparkSettings() -> SparkSettings {
        let environment = ProcessInfo.processInfo.environment
        let sparkSubmit =
            configuration.sparkSubmit
            ?? SparkSettings.defaultSparkSubmit(environment: environment, currentDirectory: FileManager.default.currentDirectoryPath) ?? ""
        if sparkSubmit.isEmpty, configuration.sparkMode != .simulate {
            logger.warning("no spark-submit found: runs will fail until one is configured (--spark-submit, DMS_VENV, or scripts/bootstrap's .venv)")
        }
        var settings = SparkSettings(
            master: configuration.sparkMaster, sparkSubmit: sparkSubmit, python: SparkSettings.python(beside: sparkSubmit),
            driverDirectories: (configuration.sparkDriversDirectory.map { [$0] } ?? []) + ["/usr/share/java"],
            mode: configuration.sparkMode, workDirectory: "\(configuration.dataDirectory)/engine")
        settings.simulatedRunDuration = .milliseconds(Int64(configuration.simulatedRunSeconds * 1000))
        return settings
    }

    /// The configured TLS files, or the development ones (made on first start).
    private func tlsFiles() throws -> (server: ServerTLS.Files, clientTrust: String?) {
        if let certificate = configuration.tlsCertificateFile, let key = configuration.tlsKeyFile {
            return (ServerTLS.Files(certificate: certificate, privateKey: key, clientCA: configuration.tlsClientCAFile), nil)
        }
        let directory = "\(configuration.dataDirectory)/tls"
        var files = try DevelopmentTLS.ensure(in: directory, extraNames: configuration.tlsExtraNames, logger: logger)
        files.clientCA = configuration.tlsClientCAFile
        return (files, DevelopmentTLS.caFile(in: directory))
    }

    /// Once listening: writes the client context (with a new bootstrap token) and the ready file.
    private func announce(_ address: SocketAddress, bootstrapToken: String?, caFile: String?) {
        let port = address.port ?? configuration.listenPort
        let host: String
        switch configuration.listenHost {
        case "0.0.0.0", "::", "": host = "127.0.0.1"
        case let other where other.contains(":"): host = "[\(other)]"
        case let other: host = other
        }
        let server = "\(host):\(port)"
        if let path = configuration.clientConfigFile {
            do {
                try updateClientConfig(at: path, server: server, caFile: caFile, bootstrapToken: bootstrapToken)
            } catch {
                logger.error("cannot write the client configuration", metadata: ["dms.client_config": "\(path)", "error": "\(error)"])
            }
        } else if let bootstrapToken {
            let path = "\(configuration.dataDirectory)/admin-token"
            do {
                try DevelopmentTLS.write(bootstrapToken + "\n", to: path, mode: 0o600)
                logger.notice("wrote the bootstrap admin token (mode 0600)", metadata: ["dms.token_file": "\(path)"])
            } catch {
                logger.error("cannot write the bootstrap admin token", metadata: ["error": "\(error)"])
            }
        }
        if let readyFile = configuration.readyFile {
            do {
                try DevelopmentTLS.write(server + "\n", to: readyFile, mode: 0o644)
            } catch {
                logger.error("cannot write the ready file", metadata: ["dms.ready_file": "\(readyFile)", "error": "\(error)"])
            }
        }
    }

    /// Puts this server into the client configuration as context `clientContextName`.
    ///
    /// A new bootstrap token is stored there (0600); an existing context keeps its token and
    /// gets the current address and CA. Without a token to give, no new context is made.
    private func updateClientConfig(at path: String, server: String, caFile: String?, bootstrapToken: String?) throws {
        var file = try ClientConfigFile.load(from: path)
        let name = configuration.clientContextName
        var context: ClientConfigFile.Context
        if let existing = file.contexts.first(where: { $0.name == name }) {
            context = existing
        } else if bootstrapToken != nil {
            context = ClientConfigFile.Context(name: name, server: server, namespace: "default")
        } else {
            return
        }
        context.server = server
        if let caFile { context.caFile = caFile }
        if let bootstrapToken { context.token = bootstrapToken }
        file.upsert(context)
        try file.save(to: path)
        logger.notice(
            bootstrapToken == nil ? "updated the client context" : "wrote the client context with the bootstrap admin token (mode 0600)",
            metadata: ["dms.client_config": "\(path)", "dms.context": "\(name)", "dms.server": "\(server)"])
    }
}

extension Duration {
    /// A duration of `seconds`, fractional allowed.
    static func seconds(_ seconds: Double) -> Duration {
        .milliseconds(Int64((seconds * 1000).rounded()))
    }
}
