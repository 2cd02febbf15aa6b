import DMSProto
import DMSStore
import Foundation
import Logging

/// Takes one claimed run from its spec to its final state: builds the spec, starts it on the
/// engine, stores its progress, metrics and log as they come, and records how it ended. Every
/// write names the claim's fence, so nothing is written once another replica took the run over.
actor RunSupervisor {
    /// Why a run is being stopped from outside.
    enum StopReason: Sendable, Equatable {
        case cancelRequested
        case timedOut(seconds: Int64)
        case lostClaim
        case shutdown(replica: String)
    }

    let claim: ClaimedRun
    private let store: MetadataStore
    private let engine: SparkEngine
    private let logger: Logger
    private var engineRun: (any EngineRun)?
    private var stopReason: StopReason?

    /// How long the end of the run is retried when the store cannot be reached.
    private let recordEndWithin: Duration

    init(claim: ClaimedRun, store: MetadataStore, engine: SparkEngine, recordEndWithin: Duration, logger: Logger) {
        self.claim = claim
        self.recordEndWithin = recordEndWithin
        self.store = store
        self.engine = engine
        var logger = logger
        logger[metadataKey: "run"] = "\(claim.run.id)"
        self.logger = logger
    }

    var runID: String { claim.run.id }

    /// Stops the run for `reason` (the first reason given wins).
    func stop(_ reason: StopReason) async {
        guard stopReason == nil else { return }
        stopReason = reason
        logger.info("stopping run", metadata: ["reason": "\(reason)"])
        await signal(reason)
    }

    /// Passes a stop on to the engine: a lost claim ends the run at once (nothing more may be
    /// written); any other reason asks it to cancel, so that it still reports.
    private func signal(_ reason: StopReason) async {
        switch reason {
        case .lostClaim: await engineRun?.kill()
        default: await engineRun?.cancel()
        }
    }

    /// Runs it to the end.
    func supervise() async {
        let run = claim.run
        let specPath = engine.specPath(runID: run.id)
        var tracker = RunProgressTracker()
        var scrub = SecretScrubber([])
        let log = RunLogWriter(store: store, runID: run.id, fence: claim.fence)
        var failure: String?
        do {
            let (job, source, target, cursors) = try await waitingOutTheStore { [store] in
                let job = try await store.jobs.get(.id(UUID(uuidString: run.migrationJobID)!), scope: .everything)
                let source = try await store.sources.runtimeConfiguration(id: job.sourceID)
                let target = try await store.targets.runtimeConfiguration(id: job.targetID)
                return (job, source, target, try await store.runs.cursors(jobID: job.id))
            }
            let spec = try JobSpec(run: run, job: job, source: source, target: target, cursors: cursors)
            scrub = SecretScrubber(spec.secretValues)
            try spec.write(to: specPath)
            await log.append("[dms] run \(run.id) of job \(job.namespace)/\(job.name): \(source.type) → \(target.type), \(Self.origin(of: run))\n")
            let engineRun = try await engine.start(specPath: specPath, job: job, runID: run.id, dependencies: spec.dependencies)
            self.engineRun = engineRun
            if let stopReason { await signal(stopReason) }
            let timeout = job.timeoutSeconds > 0 ? Task { [job] in
                try await Task.sleep(for: .seconds(job.timeoutSeconds))
                await self.stop(.timedOut(seconds: job.timeoutSeconds))
            } : nil
            var lastStored = ContinuousClock.now
            var dirty = false
            for await output in engineRun.output {
                switch output {
                case .log(let line):
                    await log.append(scrub(line) + "\n")
                case .event(let event):
                    if let line = tracker.apply(event) { await log.append(scrub(line) + "\n") }
                    dirty = true
                    if event.name == "started" || event.name == "plan" || event.name == "table_done" || event.name == "table_failed" {
                        lastStored = .now - .seconds(1)
                    }
                }
                if dirty, ContinuousClock.now - lastStored >= .milliseconds(500), stopReason != .lostClaim {
                    lastStored = .now
                    let update = RunUpdate(sparkApplicationID: tracker.sparkApplicationID, metrics: tracker.metrics, progress: tracker.progress)
                    do {
                        if try await !store.runs.record(update, of: run.id, fence: claim.fence) { await stop(.lostClaim) }
                        dirty = false
                    } catch where MetadataStore.isUnreachable(error) {
                        // Progress is stored again with the next event; the end is retried.
                        logger.warning("cannot store the run's progress now: \(error)")
                    }
                }
                await log.flushIfDue()
            }
            timeout?.cancel()
            if tracker.result == nil { failure = await engineRun.endWithoutResult() }
        } catch {
            failure = "\(error)"
        }
        unlink(specPath)
        await log.flush()
        await finish(tracker: tracker, failure: failure.map { scrub($0) }, scrub: scrub, log: log)
    }

    /// Runs `body`, trying again while the metadata store cannot be reached (a restart, a
    /// failover) as long as the claim can still hold — and, unless `evenWhenStopped`, nothing
    /// stopped the run: a database outage is not the job's failure.
    private func waitingOutTheStore<T: Sendable>(evenWhenStopped: Bool = false, _ body: @Sendable () async throws -> T) async throws -> T {
        let deadline = ContinuousClock.now + recordEndWithin
        while true {
            do {
                return try await body()
            } catch where MetadataStore.isUnreachable(error) && ContinuousClock.now < deadline && (evenWhenStopped || stopReason == nil) {
                logger.warning("the metadata store cannot be reached; trying again: \(error)")
                try await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// What made the run, for its log's first line.
    static func origin(of run: Dms_V1_MigrationJobRun) -> String {
        var text: String
        switch run.trigger {
        case .schedule: text = "schedule tick \(run.scheduledTime.date.formatted(.iso8601))"
        case .retry: text = "retry of run \(run.retryOfRunID)"
        default: text = "started by RunJob"
        }
        if run.ticks > 1 {
            text += " (standing for \(run.ticks) missed ticks from \(run.firstTickTime.date.formatted(.iso8601)))"
        }
        if !run.overlappedRunID.isEmpty { text += ", queued behind run \(run.overlappedRunID)" }
        return text + ", attempt \(run.attempt)"
    }

    /// Records the final state.
    private func finish(tracker: RunProgressTracker, failure: String?, scrub: SecretScrubber, log: RunLogWriter) async {
        if stopReason == .lostClaim {
            logger.warning("the run was taken over by another replica; this one wrote nothing more")
            return
        }
        let reported = tracker.result?.string("state")
        var state: Dms_V1_RunState
        var error = failure ?? scrub(tracker.result?.string("error") ?? "")
        switch (stopReason, reported) {
        case (.timedOut(let seconds)?, let reported) where reported != "succeeded":
            state = .failed
            error = "timed out after \(seconds) s (the job's timeout_seconds); the Spark application was stopped"
        case (.cancelRequested?, let reported) where reported != "succeeded":
            state = .cancelled
            error = "cancelled by request"
        case (.shutdown(let replica)?, let reported) where reported != "succeeded":
            state = .failed
            error = "interrupted: dmsd replica \(replica) stopped while the run was going"
        case (_, "succeeded"?) where failure == nil:
            state = .succeeded
            error = ""
        case (_, "cancelled"?):
            state = .cancelled
        default:
            state = .failed
            if error.isEmpty { error = "the job program reported no reason" }
        }
        var progress = tracker.progress
        if state != .succeeded { progress.phase = RunStateMachine.name(state) }
        let update = RunUpdate(error: error, sparkApplicationID: tracker.sparkApplicationID, metrics: tracker.metrics, progress: progress)
        await log.append("[dms] \(RunStateMachine.name(state))" + (error.isEmpty ? "" : ": \(error)") + "\n")
        await log.flush()
        // The database may be away for a while (a restart): keep trying as long as the claim can
        // still hold; after that another replica fails the run for its lost lease.
        do {
            let cursors = state == .succeeded ? tracker.cursors : []
            let ended = try await waitingOutTheStore(evenWhenStopped: true) { [store, runID, claim, state] in
                try await store.runs.transition(runID, from: .running, to: state, fence: claim.fence, update: update, cursors: cursors)
            }
            if ended == nil { logger.warning("the run had already been moved by someone else; its end was not recorded") }
            logger.info("run ended", metadata: ["state": "\(RunStateMachine.name(state))", "error": "\(error)"])
        } catch {
            logger.error("cannot record the end of the run; its lease will run out and another replica will fail it: \(error)")
        }
    }
}

/// Buffers a run's log and appends it to the store in chunks (every half second or 32 KiB).
actor RunLogWriter {
    private let store: MetadataStore
    private let runID: String
    private let fence: Int64
    private var pending = ""
    private var lastFlush = ContinuousClock.now

    init(store: MetadataStore, runID: String, fence: Int64) {
        self.store = store
        self.runID = runID
        self.fence = fence
    }

    func append(_ text: String) async {
        pending += text
        await flushIfDue()
    }

    func flushIfDue() async {
        if pending.utf8.count >= 32 * 1024 || ContinuousClock.now - lastFlush >= .milliseconds(500) { await flush() }
    }

    func flush() async {
        lastFlush = .now
        guard !pending.isEmpty else { return }
        let text = pending
        pending = ""
        do {
            try await store.runs.appendLog(text, to: runID, fence: fence)
        } catch {
            // The store is away: keep the text for the next flush, within a bound.
            pending = text + pending
            if pending.utf8.count > Self.maximumPending {
                pending = "[dms] … log lines lost while the metadata store could not be reached …\n" + String(pending.suffix(Self.maximumPending / 2))
            }
        }
    }

    /// The most log text kept while the store cannot be reached.
    static let maximumPending = 4 << 20
}
