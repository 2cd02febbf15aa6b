import DMSPostgres
import Foundation
import Logging
import Synchronization

/// The one PostgreSQL server the test process shares (started on first use, stopped at exit).
///
/// It is a real cluster made with initdb in a temporary directory, listening on 127.0.0.1 at a free
/// port (so tests reach it by URL, as dmsd reaches an external server). Every test takes a fresh
/// database of its own with ``makeDatabase()``, so tests never see each other's rows.
/// With `DMS_TEST_DATABASE_URL` set (a server URL whose user may create databases), that server is
/// used instead.
public enum TestPostgres {
    /// A started server.
    public struct Server: Sendable {
        /// `postgresql://user@host:port` without a database.
        public let baseURL: String
        /// The cluster's directory when this process started it.
        public let directory: String?
    }

    private static let server = Mutex<Server?>(nil)
    nonisolated(unsafe) private static var startedDirectory: String?

    /// The shared server, started on first use.
    public static func shared() throws -> Server {
        try server.withLock { server in
            if let server { return server }
            let started = try start()
            server = started
            return started
        }
    }

    /// The log of the server this process started; nil before the first use, and when the
    /// server is `DMS_TEST_DATABASE_URL`'s.
    public static var startedServerLogFile: String? {
        server.withLock { $0?.directory.map { "\($0)/postgres.log" } }
    }

    /// Creates an empty database and returns its URL.
    public static func makeDatabase(prefix: String = "t") throws -> String {
        let server = try shared()
        let name = "\(prefix)_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        let admin = try PostgresConnection(conninfo: "\(server.baseURL)/postgres")
        try admin.execute(script: "CREATE DATABASE \(name)")
        return "\(server.baseURL)/\(name)"
    }

    private static func start() throws -> Server {
        if let url = ProcessInfo.processInfo.environment["DMS_TEST_DATABASE_URL"], !url.isEmpty {
            return Server(baseURL: url.hasSuffix("/") ? String(url.dropLast()) : url, directory: nil)
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("dms-test-pg-\(UUID().uuidString.prefix(8))").path
        let port = try FreePort.find()
        // Every test keeps its store's pool for the life of the process, and every dmsd a test
        // starts holds a pool and a listener: room for them all.
        var configuration = EmbeddedPostgres.Configuration(directory: directory, tcpPort: port)
        configuration.maximumConnections = 800
        let cluster = EmbeddedPostgres(configuration: configuration, logger: Logger(label: "dms.test.postgres"))
        try cluster.start()
        startedDirectory = directory
        atexit {
            guard let directory = TestPostgres.startedDirectory else { return }
            let cluster = EmbeddedPostgres(configuration: .init(directory: directory), logger: Logger(label: "dms.test.postgres"))
            try? cluster.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }
        return Server(baseURL: "postgresql://\(EmbeddedPostgres.role)@127.0.0.1:\(port)", directory: directory)
    }
}

/// A TCP port nobody listens on right now.
public enum FreePort {
    /// Binds 127.0.0.1:0, reads the port the kernel chose, and closes the socket.
    public static func find() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
