import DMSAPI
import DMSClient
import DMSProto
import DMSWire
import Foundation
import Testing

// The canary check of every test dmsd (issue 3: a secret seeded at the start appears in no log
// line, no file dmsd wrote and no database column in clear, over the whole test run).

extension DaemonProcess {
    /// Gives this dmsd the run's canary as a user would: through the API with its admin token,
    /// a namespace of its own and a postgres connection there whose password is the canary.
    ///
    /// Idempotent: a dmsd on a database an earlier dmsd seeded answers ALREADY_EXISTS, and a dmsd
    /// whose client configuration got no admin token (dmsd makes one only for a database that has
    /// none) is on such a database; both are left as they are.
    func seedCanary() async throws {
        guard let token = try? adminToken else { return }
        var configuration = try clientConfiguration(token: .some(token))
        // Two calls on a connection that dmsd's idle timer (1 s in some tests) must not see idle
        // while a busy test process gets round to the second.
        configuration.runsBodyOnEventLoop = true
        var attempt = 1
        while true {
            do {
                try await Self.seedCanary(configuration)
                break
            } catch let error as RPCError where error.code == .unavailable && attempt < 5 {
                // On a loaded machine a TLS handshake alone can outlast a 1 s idle timeout.
                attempt += 1
            } catch {
                throw TestSupportError(
                    "cannot seed the canary into dmsd at port \(port) (for a dmsd with TLS material of its own, pass `clientTLS:`): \(error)")
            }
        }
        try await waitUntilClientsAreGone()
    }

    /// Creates the canary's namespace and connection through `configuration`'s client.
    private static func seedCanary(_ configuration: RPCClient.Configuration) async throws {
        let created = try await RPCClient.withConnection(configuration) { client in
            var namespace = Dms_V1_CreateNamespaceRequest()
            namespace.name = Canary.namespace
            namespace.description_p = "the test run's canary secret (DMSTestSupport/Canary.swift)"
            _ = try await allowingAlreadyExists { try await client.unary(API.NamespaceService.createNamespace, namespace) }
            var connection = Dms_V1_CreateConnectionRequest()
            connection.name = Canary.connectionName
            connection.namespace = Canary.namespace
            connection.type = "postgres"
            connection.version = 1
            connection.schema = Canary.connectionSchema
            return try await allowingAlreadyExists { try await client.unary(API.ConnectionService.createConnection, connection) }
        }
        if let created, "\(created)".contains(Canary.secret) {
            let answer = CanaryScan().masked(Array("\(created)".utf8))
            Issue.record("dmsd answered CreateConnection with the canary password in clear: \(answer)")
        }
    }

    /// Runs `call`; nil when it fails with ALREADY_EXISTS.
    private static func allowingAlreadyExists<T>(_ call: () async throws -> T) async throws -> T? {
        do {
            return try await call()
        } catch let error as RPCError where error.code == .alreadyExists {
            return nil
        }
    }

    /// Waits until dmsd has closed its side of every client connection (the seeding one), so a
    /// test that counts connections in Health answers sees only its own.
    ///
    /// A client's close is done for the client before dmsd has read it; dmsd closes its socket
    /// in the same event-loop turn in which it counts the connection gone. Sockets on dmsd's
    /// port that a process still holds (inode not 0) are in `/proc/net/tcp` until then. Reading
    /// that table costs the kernel a walk over every socket (hundreds, with the test
    /// PostgreSQL's), so the waits between readings grow.
    private func waitUntilClientsAreGone() async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        var pause = Duration.milliseconds(2)
        while Self.serverSideConnections(port: port) > 0 {
            guard ContinuousClock.now < deadline else {
                throw TestSupportError("dmsd at port \(port) still holds a client connection 10 s after the canary was seeded")
            }
            try await Task.sleep(for: pause)
            pause = min(pause * 2, .milliseconds(200))
        }
    }

    /// Connections (not the listener) whose local port is `port` and that a process still holds.
    private static func serverSideConnections(port: Int) -> Int {
        let listen = "0A"
        let portSuffix = String(format: ":%04X", port)
        // IPv4 only: test dmsds listen on 127.0.0.1.
        let table = ProcFile.text("/proc/net/tcp") ?? ""
        return table.split(separator: "\n").dropFirst().filter { line in
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode …
            let fields = line.split(separator: " ")
            return fields.count > 9 && fields[1].hasSuffix(portSuffix) && fields[3] != listen && fields[9] != "0"
        }.count
    }

    // MARK: - Scanning

    /// Where the canary appears in clear in what this dmsd left: its whole log, every file under
    /// its root (data directory with TLS material, master key, engine files and, with the embedded
    /// database, the cluster's tables, WAL and log; the client configuration it wrote), every
    /// row of its metadata database on a server, and the lines the shared test PostgreSQL logged
    /// while it ran. Searching, not recording: ``DaemonProcess/stop(signal:sourceLocation:)`` records.
    public func canaryLeaks() async -> [CanaryLeak] {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: self.scanForCanary()) }
        }
    }

    /// The search of ``canaryLeaks()``, blocking.
    func scanForCanary() -> [CanaryLeak] {
        let scan = CanaryScan()
        var leaks = scan.files(under: root)
        if let database = databaseConninfoForScan {
            do {
                leaks += try scan.database(conninfo: database)
            } catch {
                leaks.append(CanaryLeak(location: "metadata database \(database)", excerpt: "could not be searched: \(error)"))
            }
        }
        if let sharedServerLog = sharedServerLog {
            leaks += scan.file(sharedServerLog.path, from: sharedServerLog.offset).map {
                CanaryLeak(
                    location: "\($0.location), logged by the shared test PostgreSQL while this dmsd ran (so did other tests' daemons)",
                    excerpt: $0.excerpt)
            }
        }
        return leaks
    }

    /// Records `leaks` as one issue of the running test (the one that owned this dmsd).
    func record(_ leaks: [CanaryLeak], sourceLocation: SourceLocation) {
        guard !leaks.isEmpty else { return }
        let shown = leaks.prefix(12).map { "  \($0)" }.joined(separator: "\n")
        let more = leaks.count > 12 ? "\n  … and \(leaks.count - 12) more" : ""
        Issue.record(
            """
            the run's canary secret (the password of connection \(Canary.connectionName), seeded into every test dmsd) \
            is in clear in what dmsd at port \(port) left:
            \(shown)\(more)
            """, sourceLocation: sourceLocation)
    }

    /// The conninfo the scan reaches the metadata database with: dmsd's, with the libpq
    /// variables a test gave dmsd's environment as defaults (as libpq takes them from it).
    static func conninfoForScan(_ databaseURL: String, environment: [String: String]) -> String {
        if databaseURL.hasPrefix("postgres://") || databaseURL.hasPrefix("postgresql://") { return databaseURL }
        let keywords = [
            "PGHOST": "host", "PGHOSTADDR": "hostaddr", "PGPORT": "port", "PGUSER": "user", "PGPASSWORD": "password",
            "PGPASSFILE": "passfile", "PGSSLMODE": "sslmode",
        ]
        let defaults = environment.sorted { $0.key < $1.key }.compactMap { key, value in
            keywords[key].map { "\($0)='\(value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'"))'" }
        }
        return (defaults + [databaseURL]).joined(separator: " ")
    }
}
