import DMSClient
import Foundation
import Synchronization
import Testing

/// A real dmsd process on an ephemeral loopback port, with its own data directory and client
/// configuration, for end-to-end tests.
///
/// Every one is given the run's canary secret at start, and searched for it when stopped: a
/// leak is an issue of the test that stopped it (``Canary``, `DaemonProcess+Canary.swift`).
public final class DaemonProcess: @unchecked Sendable {
    // @unchecked: every stored property is set once in init and only read afterwards, but
    // `canaryScanned`, a Mutex; Foundation's Process is itself thread-safe for the calls used here
    // (terminate, waitUntilExit, terminationStatus).

    /// The running process.
    public let process: Process
    /// The directory holding data, config, and logs.
    public let root: String
    /// The loopback host it listens on.
    public let host = "127.0.0.1"
    /// The port it listens on.
    public let port: Int
    /// The development CA it made.
    public var caFile: String { "\(root)/data/tls/ca.pem" }
    /// How clients trust it (and prove themselves, with mTLS) when it has TLS material of its own;
    /// nil: its development CA.
    public let clientTLS: ClientTLS?
    /// The client configuration it wrote.
    public var clientConfigFile: String { "\(root)/config" }
    /// Its stderr (the log).
    public var logFile: String { "\(root)/dmsd.log" }

    /// Which metadata database a test dmsd uses.
    public enum Database: Sendable {
        /// A new, empty database on the shared test PostgreSQL server (``TestPostgres``).
        case fresh
        /// This conninfo or URL (e.g. the database of a dmsd that ran before).
        case url(String)
        /// dmsd's own embedded cluster in its data directory.
        case embedded
    }

    /// TLS settings of a client of a dmsd given `--tls-cert`/`--tls-key` (and `--tls-client-ca`).
    public struct ClientTLS: Sendable {
        /// The CA that signed the server's certificate.
        public var caFile: String
        /// The name the server's certificate must carry; nil: the host connected to.
        public var serverName: String?
        /// The client certificate presented to a dmsd that verifies clients.
        public var certificateFile: String?
        /// Its private key.
        public var keyFile: String?

        /// Creates the settings.
        public init(caFile: String, serverName: String? = nil, certificateFile: String? = nil, keyFile: String? = nil) {
            self.caFile = caFile
            self.serverName = serverName
            self.certificateFile = certificateFile
            self.keyFile = keyFile
        }
    }

    /// The metadata database URL given to dmsd; nil when it runs its embedded cluster.
    public let databaseURL: String?
    /// How the canary scan reaches that database (`databaseURL` with the PG* variables given to dmsd).
    let databaseConninfoForScan: String?
    /// The shared test PostgreSQL's log and its size when this dmsd started.
    let sharedServerLog: (path: String, offset: Int)?
    /// Whether the canary scan ran (it runs once, at the first stop).
    private let canaryScanned = Mutex(false)

    /// Starts dmsd with `arguments` added to the test defaults, waits until it accepts, and seeds
    /// the canary. `clientTLS` is needed when `arguments` give dmsd TLS material of its own.
    ///
    /// When `arguments` set short connection timers (``timerFlags``), the canary is seeded by a
    /// dmsd started first without them on the same data and database, then stopped (and scanned):
    /// a busy test process can take longer than such a timer between the seeding calls.
    public convenience init(
        root: String, arguments: [String] = [], environment: [String: String] = [:], database: Database = .fresh,
        clientTLS: ClientTLS? = nil
    ) async throws {
        let databaseURL: String? =
            switch database {
            case .fresh: try TestPostgres.makeDatabase()
            case .url(let url): url
            case .embedded: nil
            }
        let withoutTimers = Self.removingTimerFlags(arguments)
        let seeded = withoutTimers != arguments
        if seeded {
            let seeder = try await DaemonProcess(
                root: root, arguments: withoutTimers, environment: environment, databaseURL: databaseURL, clientTLS: clientTLS, seedsCanary: true)
            await seeder.stop()
        }
        try await self.init(
            root: root, arguments: arguments, environment: environment, databaseURL: databaseURL, clientTLS: clientTLS, seedsCanary: !seeded)
    }

    /// Flags of dmsd's connection timers that a test may set short.
    static let timerFlags: Set<String> = ["--idle-timeout", "--handshake-timeout"]

    /// `arguments` without ``timerFlags`` and their values.
    static func removingTimerFlags(_ arguments: [String]) -> [String] {
        var kept: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if timerFlags.contains(argument) {
                index += 2
            } else if let flag = argument.split(separator: "=", maxSplits: 1).first, timerFlags.contains(String(flag)) {
                index += 1
            } else {
                kept.append(argument)
                index += 1
            }
        }
        return kept
    }

    private init(
        root: String, arguments: [String], environment: [String: String], databaseURL: String?, clientTLS: ClientTLS?, seedsCanary: Bool
    ) async throws {
        self.root = root
        self.clientTLS = clientTLS
        self.databaseURL = databaseURL
        databaseConninfoForScan = databaseURL.map { Self.conninfoForScan($0, environment: environment) }
        sharedServerLog = TestPostgres.startedServerLogFile.map { path in
            (path, ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? Int) ?? 0)
        }
        let readyFile = "\(root)/ready"
        try? FileManager.default.removeItem(atPath: readyFile)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Binaries.path("dmsd"))
        process.arguments = [
            "--listen", "127.0.0.1:0", "--data-dir", "\(root)/data", "--client-config", "\(root)/config",
            "--ready-file", readyFile,
            // No warm Spark engine unless a test asks for one (a later --spark-mode wins).
            "--spark-mode", "submit",
        ] + (databaseURL.map { ["--database-url", $0] } ?? []) + arguments
        var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DMS_") }
        env.merge(environment) { _, new in new }
        process.environment = env
        // A new log for each start; appending, so that a line a test adds lands after dmsd's
        // lines rather than over them.
        let descriptor = open("\(root)/dmsd.log", O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
        guard descriptor >= 0 else { throw TestSupportError("cannot open \(root)/dmsd.log: errno \(errno)") }
        let log = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        process.standardError = log
        process.standardOutput = log
        try process.run()
        self.process = process
        do {
            port = try await Self.waitForReadyFile(readyFile, process: process, logFile: "\(root)/dmsd.log")
        } catch {
            if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
            throw error
        }
        do {
            if seedsCanary { try await seedCanary() }
        } catch {
            Foundation.kill(process.processIdentifier, SIGKILL)
            throw error
        }
    }

    /// Starts a dmsd in a fresh temporary directory, runs `body`, then stops it with SIGTERM (and
    /// searches what it left for the canary).
    public static func with<T>(
        arguments: [String] = [], environment: [String: String] = [:], database: Database = .fresh, clientTLS: ClientTLS? = nil,
        sourceLocation: SourceLocation = #_sourceLocation, _ body: (DaemonProcess) async throws -> T
    ) async throws -> T {
        try await withTemporaryDirectory { root in
            let daemon = try await DaemonProcess(
                root: root, arguments: arguments, environment: environment, database: database, clientTLS: clientTLS)
            do {
                let result = try await body(daemon)
                await daemon.stop(sourceLocation: sourceLocation)
                return result
            } catch {
                await daemon.stop(signal: SIGKILL, sourceLocation: sourceLocation)
                throw error
            }
        }
    }

    /// The bootstrap admin token from the client configuration.
    public var adminToken: String {
        get throws {
            let config = try ClientConfigFile.load(from: clientConfigFile)
            guard let token = try config.context(named: nil).token else { throw TestSupportError("no token in \(clientConfigFile)") }
            return token
        }
    }

    /// A client configuration for this daemon; with the admin token unless `token` says otherwise.
    public func clientConfiguration(token: String?? = .none, host: String? = nil) throws -> RPCClient.Configuration {
        let resolvedToken: String? = switch token {
        case .none: try adminToken
        case .some(let explicit): explicit
        }
        return RPCClient.Configuration(
            host: host ?? self.host, port: port, caFile: clientTLS?.caFile ?? caFile, serverName: clientTLS?.serverName,
            token: resolvedToken, clientCertificateFile: clientTLS?.certificateFile, clientKeyFile: clientTLS?.keyFile)
    }

    /// Sends `signal` (SIGTERM: a graceful stop) and waits for the exit without blocking a
    /// cooperative thread; returns the exit status. The first stop searches what dmsd left for
    /// the canary and records a leak as an issue at `sourceLocation`.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM, sourceLocation: SourceLocation = #_sourceLocation) async -> Int32 {
        if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
        await waitForExit(process)
        await checkForCanary(sourceLocation: sourceLocation)
        return process.terminationStatus
    }

    /// Sends SIGTERM and waits for the exit; returns the exit status. Searches for the canary as
    /// ``stop(signal:sourceLocation:)`` does (blocking).
    @discardableResult
    public func terminate(sourceLocation: SourceLocation = #_sourceLocation) -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        if claimCanaryScan() { record(scanForCanary(), sourceLocation: sourceLocation) }
        return process.terminationStatus
    }

    /// Sends SIGKILL if still running. Searches for the canary as ``stop(signal:sourceLocation:)``
    /// does (blocking).
    public func kill(sourceLocation: SourceLocation = #_sourceLocation) {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        if claimCanaryScan() { record(scanForCanary(), sourceLocation: sourceLocation) }
    }

    /// Searches what dmsd left for the canary and records a leak as an issue at `sourceLocation`,
    /// unless that was done already; for a dmsd that a test ends in its own way, after it ended.
    public func checkForCanary(sourceLocation: SourceLocation = #_sourceLocation) async {
        guard claimCanaryScan() else { return }
        record(await canaryLeaks(), sourceLocation: sourceLocation)
    }

    /// True the first time only.
    private func claimCanaryScan() -> Bool {
        canaryScanned.withLock { scanned in
            defer { scanned = true }
            return !scanned
        }
    }

    /// Everything dmsd logged so far.
    public var log: String { (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? "" }

    private static func waitForReadyFile(_ path: String, process: Process, logFile: String) async throws -> Int {
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
                let port = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ":").last.flatMap({ Int($0) })
            {
                return port
            }
            guard process.isRunning else {
                let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
                throw TestSupportError("dmsd exited with \(process.terminationStatus) before it was ready:\n\(log)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestSupportError("dmsd did not become ready within 60 s")
    }
}

/// A failure of the test harness itself.
public struct TestSupportError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    /// Creates the error.
    public init(_ description: String) { self.description = description }
}
