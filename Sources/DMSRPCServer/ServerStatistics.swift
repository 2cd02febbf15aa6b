import Synchronization

/// Live counters of one server, read by the health service.
public final class ServerStatistics: Sendable {
    private let openConnections = Atomic<Int>(0)
    private let callsInFlight = Atomic<Int>(0)
    private let draining = Atomic<Bool>(false)
    /// When the server object was made.
    public let startedAt = ContinuousClock.now

    /// Creates zeroed counters.
    public init() {}

    /// Client connections open now.
    public var connections: Int { openConnections.load(ordering: .relaxed) }
    /// Calls in flight now, on all connections.
    public var activeCalls: Int { callsInFlight.load(ordering: .relaxed) }
    /// True once graceful shutdown has begun.
    public var isDraining: Bool { draining.load(ordering: .relaxed) }

    func connectionOpened() { openConnections.add(1, ordering: .relaxed) }
    func connectionClosed() { openConnections.subtract(1, ordering: .relaxed) }
    func callStarted() { callsInFlight.add(1, ordering: .relaxed) }
    func callEnded() { callsInFlight.subtract(1, ordering: .relaxed) }
    func beginDraining() { draining.store(true, ordering: .relaxed) }
}
