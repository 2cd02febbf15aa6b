import DMSStore
import Foundation
import Logging
import ServiceLifecycle

/// Moves runs along on this replica: queues fresh runs, claims queued ones within the limits
/// (counted over every replica), supervises them on the engine, renews their leases, and passes
/// on cancels requested through any replica. Runs as a service of dmsd's service group; on
/// graceful shutdown it stops the runs it supervises and records why.
public actor Dispatcher: Service {
    /// Timings and limits.
    public struct Configuration: Sendable {
        public var replica: String
        public var limits: RunLimits
        /// How long a claim lasts without a heartbeat.
        public var lease: Duration
        /// How often leases are renewed and cancels looked for (at most; a wake-up does it too).
        public var heartbeat: Duration
        /// How often the queue is looked at when nothing wakes the dispatcher.
        public var poll: Duration

        public init(replica: String, limits: RunLimits, lease: Duration = .seconds(30), heartbeat: Duration = .seconds(2), poll: Duration = .seconds(1)) {
            self.replica = replica
            self.limits = limits
            self.lease = lease
            self.heartbeat = heartbeat
            self.poll = poll
        }
    }

    private let store: MetadataStore
    private let engine: SparkEngine
    private let configuration: Configuration
    private let logger: Logger
    private let wakeups: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    private var supervised: [String: (supervisor: RunSupervisor, fence: Int64, task: Task<Void, Never>)] = [:]
    private var lastHeartbeat = ContinuousClock.now
    private var lastPrune = ContinuousClock.now - .seconds(3600)

    public init(store: MetadataStore, engine: SparkEngine, configuration: Configuration, logger: Logger) {
        self.store = store
        self.engine = engine
        self.configuration = configuration
        self.logger = logger
        (wakeups, wakeContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Makes the dispatcher look at the runs now (a run was created or cancelled on this replica).
    public nonisolated func wake() {
        wakeContinuation.yield()
        Task { await self.expediteHeartbeat() }
    }

    private func expediteHeartbeat() {
        lastHeartbeat = .now - configuration.heartbeat
    }

    /// Dispatches until a graceful shutdown, then stops the supervised runs.
    public func run() async throws {
        let ticker = Task { [wakeContinuation, poll = configuration.poll] in
            while !Task.isCancelled {
                try? await Task.sleep(for: poll)
                wakeContinuation.yield()
            }
        }
        await withGracefulShutdownHandler {
            for await _ in wakeups {
                await tick()
            }
        } onGracefulShutdown: { [wakeContinuation] in
            wakeContinuation.finish()
        }
        ticker.cancel()
        await stopAll()
    }

    /// One pass: queue, claim, heartbeat.
    func tick() async {
        do {
            try await store.runs.queueFresh()
            let free = configuration.limits.global - supervised.count
            if free > 0 {
                let claims = try await store.runs.claimQueued(
                    replica: configuration.replica, limits: configuration.limits, lease: configuration.lease, max: free)
                for claim in claims { start(claim) }
            }
            // Supervised runs: renew leases, and pass on cancels requested through any replica.
            if !supervised.isEmpty, ContinuousClock.now - lastHeartbeat >= configuration.heartbeat { try await heartbeat() }
            // Run events are kept for a day: a watcher may resume from any point within it.
            if ContinuousClock.now - lastPrune >= .seconds(600) {
                lastPrune = .now
                try await store.runs.pruneEvents(olderThan: .seconds(86_400))
            }
        } catch {
            logger.warning("dispatcher pass failed; retrying: \(error)")
        }
    }

    private func start(_ claim: ClaimedRun) {
        let supervisor = RunSupervisor(claim: claim, store: store, engine: engine, logger: logger)
        logger.info("claimed run", metadata: ["run": "\(claim.run.id)", "fence": "\(claim.fence)"])
        let task = Task {
            await supervisor.supervise()
            self.finished(claim.run.id)
        }
        supervised[claim.run.id] = (supervisor, claim.fence, task)
    }

    private func finished(_ runID: String) {
        supervised.removeValue(forKey: runID)
        wakeContinuation.yield()
    }

    private func heartbeat() async throws {
        lastHeartbeat = .now
        let held = supervised.map { (id: $0.key, fence: $0.value.fence) }
        let status = try await store.runs.heartbeat(held, lease: configuration.lease)
        for (id, lease) in status {
            guard let entry = supervised[id] else { continue }
            if !lease.held {
                await entry.supervisor.stop(.lostClaim)
            } else if lease.cancelRequested {
                await entry.supervisor.stop(.cancelRequested)
            }
        }
    }

    private func stopAll() async {
        let entries = Array(supervised.values)
        for entry in entries { await entry.supervisor.stop(.shutdown(replica: configuration.replica)) }
        for entry in entries { await entry.task.value }
        await engine.shutdown()
    }
}
