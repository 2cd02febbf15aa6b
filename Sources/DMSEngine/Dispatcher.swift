import DMSStore
import Foundation
import Logging
import ServiceLifecycle

/// Moves runs along on this replica: turns due schedule ticks into runs, rescues runs whose
/// replica died, queues fresh runs, claims queued ones within the limits (counted over every
/// replica), supervises them on the engine, renews their leases, and passes on cancels requested
/// through any replica. Runs as a service of dmsd's service group; on graceful shutdown it stops
/// the runs it supervises and records why.
///
/// It wakes when something is due by the database's clock (a tick, the end of a retry's backoff),
/// when this replica created or cancelled a run, and at least every `poll`. A replica that cannot
/// renew its leases for two thirds of a lease stops its runs itself (self-fencing), so that a run
/// another replica rescues after the lease ran out is not still going here.
public actor Dispatcher: Service {
    /// Timings and limits.
    public struct Configuration: Sendable {
        public var replica: String
        public var limits: RunLimits
        /// How long a claim lasts without a heartbeat; a dead replica's runs are rescued after it.
        public var lease: Duration
        /// How often leases are renewed and cancels looked for (at most; a wake-up does it too).
        public var heartbeat: Duration
        /// The longest sleep between two looks at the schedules and the queue.
        public var poll: Duration
        /// How late a schedule tick may be turned into a run and still count as on time.
        public var misfireGrace: Duration

        public init(
            replica: String, limits: RunLimits, lease: Duration = .seconds(30), heartbeat: Duration = .seconds(2), poll: Duration = .seconds(1),
            misfireGrace: Duration = .seconds(60)
        ) {
            self.replica = replica
            self.limits = limits
            self.lease = lease
            self.heartbeat = min(heartbeat, lease / 5)
            self.poll = poll
            self.misfireGrace = misfireGrace
        }
    }

    private struct Supervised {
        var supervisor: RunSupervisor
        var fence: Int64
        var task: Task<Void, Never>
        /// When the last heartbeat that renewed its lease was sent (or it was claimed).
        var renewed: ContinuousClock.Instant
    }

    private let store: MetadataStore
    private let engine: SparkEngine
    private let configuration: Configuration
    private let logger: Logger
    private let wakeups: AsyncStream<Void>
    private let wakeContinuation: AsyncStream<Void>.Continuation
    private var supervised: [String: Supervised] = [:]
    private var lastHeartbeat = ContinuousClock.now
    private var lastPrune = ContinuousClock.now - .seconds(3600)
    private var timer: Task<Void, Never>?

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
        await withGracefulShutdownHandler {
            wakeContinuation.yield()
            for await _ in wakeups {
                await tick()
            }
        } onGracefulShutdown: { [wakeContinuation] in
            wakeContinuation.finish()
        }
        timer?.cancel()
        await stopAll()
    }

    /// One pass: schedule, rescue, queue, claim, heartbeat; then sleep until the next thing due.
    func tick() async {
        await step("turning schedule ticks into runs") {
            let pass = try await store.runs.scheduleDueTicks(grace: configuration.misfireGrace)
            if pass.runs > 0 {
                logger.debug("schedule ticks", metadata: ["jobs": "\(pass.jobs)", "runs": "\(pass.runs)", "skipped": "\(pass.skipped)"])
            }
        }
        await step("rescuing runs of replicas that stopped") {
            for rescued in try await store.runs.rescueExpiredLeases(by: configuration.replica) {
                logger.warning(
                    "failed a run whose replica stopped renewing its lease",
                    metadata: ["run": "\(rescued.run.id)", "lost_by": "\(rescued.lostBy)"])
            }
        }
        await step("claiming queued runs") {
            try await store.runs.queueFresh()
            let free = configuration.limits.global - supervised.count
            if free > 0 {
                let claims = try await store.runs.claimQueued(
                    replica: configuration.replica, limits: configuration.limits, lease: configuration.lease, max: free)
                for claim in claims { start(claim) }
            }
        }
        // Supervised runs: renew leases, and pass on cancels requested through any replica.
        if !supervised.isEmpty, ContinuousClock.now - lastHeartbeat >= configuration.heartbeat {
            await step("renewing leases") { try await heartbeat() }
            await fenceUnrenewed()
        }
        // Run events are kept for a day: a watcher may resume from any point within it.
        if ContinuousClock.now - lastPrune >= .seconds(600) {
            await step("pruning run events") {
                try await store.runs.pruneEvents(olderThan: .seconds(86_400))
                lastPrune = .now
            }
        }
        var sleep = configuration.poll
        await step("looking for the next due time") {
            if let due = try await store.runs.nextDueDelay() { sleep = min(sleep, max(due, .milliseconds(5))) }
        }
        if !supervised.isEmpty { sleep = min(sleep, configuration.heartbeat) }
        timer?.cancel()
        timer = Task { [wakeContinuation] in
            if (try? await Task.sleep(for: sleep)) != nil { wakeContinuation.yield() }
        }
    }

    /// Runs one part of a pass; a failure (the store is away) is logged and the next pass tries again.
    private func step(_ what: String, _ body: () async throws -> Void) async {
        do {
            try await body()
        } catch {
            logger.warning("dispatcher: \(what) failed; retrying: \(error)")
        }
    }

    private func start(_ claim: ClaimedRun) {
        let supervisor = RunSupervisor(claim: claim, store: store, engine: engine, recordEndWithin: configuration.lease, logger: logger)
        logger.info("claimed run", metadata: ["run": "\(claim.run.id)", "fence": "\(claim.fence)"])
        let task = Task {
            await supervisor.supervise()
            self.finished(claim.run.id)
        }
        supervised[claim.run.id] = Supervised(supervisor: supervisor, fence: claim.fence, task: task, renewed: .now)
    }

    private func finished(_ runID: String) {
        supervised.removeValue(forKey: runID)
        wakeContinuation.yield()
    }

    private func heartbeat() async throws {
        let sent = ContinuousClock.now
        lastHeartbeat = sent
        let held = supervised.map { (id: $0.key, fence: $0.value.fence) }
        let status = try await store.runs.heartbeat(held, lease: configuration.lease)
        for (id, lease) in status {
            guard let entry = supervised[id] else { continue }
            if !lease.held {
                await entry.supervisor.stop(.lostClaim)
            } else {
                supervised[id]?.renewed = sent
                if lease.cancelRequested { await entry.supervisor.stop(.cancelRequested) }
            }
        }
    }

    /// Stops the runs whose lease could not be renewed for two thirds of a lease: before it runs
    /// out and another replica rescues (and perhaps retries) them.
    private func fenceUnrenewed() async {
        let limit = configuration.lease * 2 / 3
        for (id, entry) in supervised where ContinuousClock.now - entry.renewed > limit {
            logger.error("cannot renew the lease of a run: stopping it before another replica takes it over", metadata: ["run": "\(id)"])
            await entry.supervisor.stop(.lostClaim)
        }
    }

    private func stopAll() async {
        let entries = Array(supervised.values)
        for entry in entries { await entry.supervisor.stop(.shutdown(replica: configuration.replica)) }
        for entry in entries { await entry.task.value }
        await engine.shutdown()
    }
}
