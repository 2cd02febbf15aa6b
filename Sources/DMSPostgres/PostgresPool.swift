import Foundation
import Logging
import Synchronization

/// A bounded pool of libpq connections whose blocking work runs on the pool's own threads, never
/// on the caller's (so never on a NIO event loop).
///
/// Callers borrow a connection for a scoped piece of synchronous work:
/// ```swift
/// let count = try await pool.withConnection { try $0.query("SELECT count(*) AS n FROM t").first!.int64("n") }
/// ```
/// At most `maximumConnections` are open; further callers wait in order. A connection found broken
/// after a piece of work is closed and replaced on demand, so a restarted server heals the pool.
public final class PostgresPool: Sendable {
    /// How the pool connects and how big it grows.
    public struct Configuration: Sendable {
        /// A libpq conninfo string or `postgresql://` URI.
        public var conninfo: String
        /// Most connections open at once.
        public var maximumConnections: Int
        /// Seconds libpq waits for a connection to be made.
        public var connectTimeoutSeconds: Int
        /// `application_name` on the server.
        public var applicationName: String

        /// Creates a configuration.
        public init(conninfo: String, maximumConnections: Int = 8, connectTimeoutSeconds: Int = 10, applicationName: String = "dmsd") {
            self.conninfo = conninfo
            self.maximumConnections = max(1, maximumConnections)
            self.connectTimeoutSeconds = connectTimeoutSeconds
            self.applicationName = applicationName
        }
    }

    /// A connection moving between the pool's threads; only one task uses it at a time.
    struct Lease: @unchecked Sendable {  // exclusive ownership is guaranteed by the pool's state
        let connection: PostgresConnection
    }

    private struct State {
        var idle: [Lease] = []
        var open = 0
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Lease?, any Error>)] = []
        var nextWaiterID: UInt64 = 0
        var isClosed = false
    }

    /// What the pool was configured with.
    public let configuration: Configuration
    private let state = Mutex(State())
    /// One thread per connection at most: every job holds a connection or is opening one.
    private let threads: BlockingThreads
    private let logger: Logger

    /// Creates a pool; connections are opened on first use.
    public init(configuration: Configuration, logger: Logger = Logger(label: "dms.postgres")) {
        self.configuration = configuration
        self.logger = logger
        self.threads = BlockingThreads(limit: configuration.maximumConnections, name: "dms-postgres")
    }

    /// Runs `body` with a connection of the pool, on one of the pool's threads.
    public func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> Result
    ) async throws -> Result {
        try await onPoolThread(with: try await acquire(), body)
    }

    /// Runs one statement with `$1…$n` bound to `parameters` on a connection of the pool, outside
    /// any transaction, and returns its rows.
    ///
    /// A statement the connection has prepared before is sent from the calling thread (libpq's
    /// non-blocking send: it never waits), and only the wait for the answer goes to the pool's
    /// threads, so waking one overlaps the server's work instead of coming before it. Otherwise,
    /// as ``withConnection(_:)``.
    public func query(_ sql: String, _ parameters: [any PostgresBindable] = []) async throws -> PostgresRows {
        let lease = try await acquire()
        let sent = lease.connection.send(sql, parameters)
        return try await onPoolThread(with: lease) { connection in
            sent ? try connection.receive() : try connection.query(sql, parameters)
        }
    }

    /// Runs `body` on `lease`'s connection on one of the pool's threads, then gives the lease back.
    private func onPoolThread<Result: Sendable>(
        with lease: Lease, _ body: @escaping @Sendable (PostgresConnection) throws -> Result
    ) async throws -> Result {
        // Resumed exactly once, by the job below: no checked continuation (an allocation per call).
        let outcome: Swift.Result<Result, any Error> = await withUnsafeContinuation { continuation in
            threads.submit {
                continuation.resume(returning: Swift.Result { try body(lease.connection) })
            }
        }
        release(lease)
        return try outcome.get()
    }

    /// Closes idle connections and refuses new work; work in progress finishes.
    public func close() {
        let (idle, waiters) = state.withLock { state in
            state.isClosed = true
            defer {
                state.idle = []
                state.waiters = []
            }
            state.open -= state.idle.count
            return (state.idle, state.waiters)
        }
        _ = idle  // released here, closing the connections
        for waiter in waiters {
            waiter.continuation.resume(throwing: PostgresError(code: .poolClosed, message: "the pool is closed"))
        }
    }

    /// Connections open now (idle and busy).
    public var openConnections: Int { state.withLock { $0.open } }

    private enum AcquireAction {
        case use(Lease)
        case connect
        case wait
        case closed
    }

    private func acquire() async throws -> Lease {
        try Task.checkCancellation()
        let action: AcquireAction = state.withLock { state in
            if state.isClosed { return .closed }
            if let lease = state.idle.popLast() { return .use(lease) }
            if state.open < configuration.maximumConnections {
                state.open += 1
                return .connect
            }
            return .wait
        }
        switch action {
        case .use(let lease):
            return lease
        case .closed:
            throw PostgresError(code: .poolClosed, message: "the pool is closed")
        case .connect:
            return try await connect()
        case .wait:
            if let lease = try await waitForRelease() { return lease }
            return try await connect()  // a slot was freed by a broken connection
        }
    }

    private func connect() async throws -> Lease {
        let configuration = configuration
        do {
            return try await withCheckedThrowingContinuation { continuation in
                threads.submit {
                    continuation.resume(
                        with: Swift.Result {
                            Lease(
                                connection: try PostgresConnection(
                                    conninfo: configuration.conninfo,
                                    applicationName: configuration.applicationName,
                                    connectTimeoutSeconds: configuration.connectTimeoutSeconds))
                        })
                }
            }
        } catch {
            freeSlot()
            throw error
        }
    }

    /// Waits for a released connection (or a freed slot: nil).
    private func waitForRelease() async throws -> Lease? {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let cancelled = state.withLock { state in
                    if Task.isCancelled { return true }
                    state.waiters.append((id, continuation))
                    return false
                }
                if cancelled { continuation.resume(throwing: CancellationError()) }
            }
        } onCancel: {
            let waiter = state.withLock { state in
                state.waiters.firstIndex { $0.id == id }.map { state.waiters.remove(at: $0) }
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    private func release(_ lease: Lease) {
        guard lease.connection.isHealthy else {
            logger.warning("dropping a broken metadata store connection")
            freeSlot()
            return
        }
        let waiter: CheckedContinuation<Lease?, any Error>? = state.withLock { state in
            if state.isClosed {
                state.open -= 1
                return nil
            }
            if !state.waiters.isEmpty { return state.waiters.removeFirst().continuation }
            state.idle.append(lease)
            return nil
        }
        waiter?.resume(returning: lease)
    }

    /// A connection is gone: let a waiter open a new one in its place.
    private func freeSlot() {
        let waiter: CheckedContinuation<Lease?, any Error>? = state.withLock { state in
            if !state.waiters.isEmpty, !state.isClosed {
                return state.waiters.removeFirst().continuation  // keeps the slot and connects
            }
            state.open -= 1
            return nil
        }
        waiter?.resume(returning: nil)
    }
}
