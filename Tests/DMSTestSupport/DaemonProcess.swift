import DMSClient
import Foundation

/// A real dmsd process on an ephemeral loopback port, with its own data directory and client
/// configuration, for end-to-end tests.
public final class DaemonProcess: @unchecked Sendable {
    // @unchecked: `process` is set once in init and only read afterwards; Foundation's Process is
    // itself thread-safe for the calls used here (terminate, waitUntilExit, terminationStatus).

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

    /// The metadata database URL given to dmsd; nil when it runs its embedded cluster.
    public let databaseURL: String?

    /// Starts dmsd with `arguments` added to the test defaults and waits until it accepts.
    public init(root: String, arguments: [String] = [], environment: [String: String] = [:], database: Database = .fresh) async throws {
        self.root = root
        switch database {
        case .fresh: databaseURL = try TestPostgres.makeDatabase()
        case .url(let url): databaseURL = url
        case .embedded: databaseURL = nil
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
        _ = FileManager.default.createFile(atPath: "\(root)/dmsd.log", contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(root)/dmsd.log"))
        process.standardError = log
        process.standardOutput = log
        try process.run()
        self.process = process
        port = try await Self.waitForReadyFile(readyFile, process: process, logFile: "\(root)/dmsd.log")
    }

    /// Starts a dmsd in a fresh temporary directory, runs `body`, then stops it with SIGTERM.
    public static func with<T>(
        arguments: [String] = [], environment: [String: String] = [:], database: Database = .fresh,
        _ body: (DaemonProcess) async throws -> T
    ) async throws -> T {
        try await withTemporaryDirectory { root in
            let daemon = try await DaemonProcess(root: root, arguments: arguments, environment: environment, database: database)
            do {
                let result = try await body(daemon)
                await daemon.stop()
                return result
            } catch {
                await daemon.stop(signal: SIGKILL)
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
        return RPCClient.Configuration(host: host ?? self.host, port: port, caFile: caFile, token: resolvedToken)
    }

    /// Sends `signal` (SIGTERM: a graceful stop) and waits for the exit without blocking a
    /// cooperative thread; returns the exit status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM) async -> Int32 {
        if process.isRunning { Foundation.kill(process.processIdentifier, signal) }
        await waitForExit(process)
        return process.terminationStatus
    }

    /// Sends SIGTERM and waits for the exit; returns the exit status.
    @discardableResult
    public func terminate() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Sends SIGKILL if still running.
    public func kill() {
        if process.isRunning { Foundation.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
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
