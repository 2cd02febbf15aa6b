@testable import DMSStore
import DMSPostgres
import DMSProto
import DMSTestSupport
import DMSWire
import Foundation
import Testing

/// Runs in the store: the state machine, fencing, claims within limits, cancels, events and logs,
/// against a real PostgreSQL.
@Suite struct RunRepositoryTests {
    private func jobStore() async throws -> (TestStore, Dms_V1_MigrationJob) {
        let test = try await TestStore.open()
        let connection = try await test.postgresConnection()
        let job = try await test.job(source: try await test.source(connection: connection), target: try await test.target(connection: connection))
        return (test, job)
    }

    @Test func everyIllegalTransitionIsRefusedAndEveryLegalOneAllowed() {
        let all: [Dms_V1_RunState] = [.fresh, .queued, .running, .succeeded, .failed, .cancelled]
        let legal: Set<String> = [
            "fresh>queued", "fresh>failed", "fresh>cancelled", "queued>running", "queued>failed", "queued>cancelled",
            "running>succeeded", "running>failed", "running>cancelled",
        ]
        for from in all {
            for to in all {
                let key = "\(RunStateMachine.name(from))>\(RunStateMachine.name(to))"
                #expect(RunStateMachine.allows(from, to) == legal.contains(key), "\(key)")
            }
        }
        for state in all { #expect(RunStateMachine.state(named: RunStateMachine.name(state)) == state) }
    }

    @Test func aRunGoesFromFreshToSucceededOnceAndAStaleFenceChangesNothing() async throws {
        let (test, job) = try await jobStore()
        let runs = test.store.runs
        let run = try await runs.createManual(job: job)
        #expect(run.state == .fresh && run.attempt == 1 && !run.hasStartTime)
        #expect(try await runs.queueFresh() == 1)
        let claims = try await runs.claimQueued(replica: "a", limits: RunLimits(global: 4), lease: .seconds(30), max: 4)
        #expect(claims.map(\.run.id) == [run.id])
        let fence = try #require(claims.first?.fence)
        #expect(claims.first?.run.state == .running && claims.first?.run.replica == "a" && claims.first?.run.hasStartTime == true)

        // The wrong fence, or the wrong expected state, moves nothing.
        #expect(try await runs.transition(run.id, from: .running, to: .failed, fence: fence + 1) == nil)
        #expect(try await runs.transition(run.id, from: .queued, to: .failed, fence: nil) == nil)
        #expect(try await runs.record(RunUpdate(sparkApplicationID: "app-x"), of: run.id, fence: fence + 1) == false)
        // An illegal move is refused before it reaches the database.
        await #expect(throws: RPCError.self) { try await runs.transition(run.id, from: .running, to: .queued, fence: fence) }

        let ended = try await runs.transition(
            run.id, from: .running, to: .succeeded, fence: fence, cursors: [JobCursor(table: "public.orders", column: "id", value: "42")])
        #expect(ended?.state == .succeeded && ended?.hasEndTime == true)
        #expect(try await runs.cursors(jobID: job.id) == [JobCursor(table: "public.orders", column: "id", value: "42")])
        // Final is final.
        await #expect(throws: RPCError.self) { try await runs.transition(run.id, from: .succeeded, to: .failed, fence: nil) }
        #expect(try await runs.get(id: run.id, scope: .everything).state == .succeeded)
    }

    @Test func claimsKeepToTheLimitsOverEveryReplica() async throws {
        let (test, job) = try await jobStore()
        let runs = test.store.runs
        for _ in 0..<3 { _ = try await runs.createManual(job: job) }
        try await runs.queueFresh()
        // One job never runs twice at once (perJob 1), whichever replica asks.
        let first = try await runs.claimQueued(replica: "a", limits: RunLimits(global: 4, perJob: 1), lease: .seconds(30), max: 4)
        let second = try await runs.claimQueued(replica: "b", limits: RunLimits(global: 4, perJob: 1), lease: .seconds(30), max: 4)
        #expect(first.count == 1)
        #expect(second.isEmpty)
        let fence = first[0].fence
        _ = try await runs.transition(first[0].run.id, from: .running, to: .failed, fence: fence, update: RunUpdate(error: "boom"))
        let third = try await runs.claimQueued(replica: "b", limits: RunLimits(global: 4, perJob: 1), lease: .seconds(30), max: 4)
        #expect(third.count == 1)
        // The global limit counts runs of every replica.
        let none = try await runs.claimQueued(replica: "c", limits: RunLimits(global: 1, perJob: 5), lease: .seconds(30), max: 4)
        #expect(none.isEmpty)
    }

    @Test func cancellingStopsAQueuedRunAtOnceAndMarksARunningOne() async throws {
        let (test, job) = try await jobStore()
        let runs = test.store.runs
        let queued = try await runs.createManual(job: job)
        let cancelled = try await runs.requestCancel(id: queued.id, scope: .everything)
        #expect(cancelled.state == .cancelled && cancelled.hasEndTime && cancelled.error == "cancelled before it started")
        await #expect(throws: RPCError.self) { try await runs.requestCancel(id: queued.id, scope: .everything) }

        let running = try await runs.createManual(job: job)
        try await runs.queueFresh()
        let claim = try #require(try await runs.claimQueued(replica: "a", limits: RunLimits(), lease: .seconds(30), max: 1).first)
        let marked = try await runs.requestCancel(id: running.id, scope: .everything)
        #expect(marked.state == .running && marked.cancelRequested)
        let status = try await runs.heartbeat([(id: running.id, fence: claim.fence)], lease: .seconds(30))
        #expect(status[running.id] == LeaseStatus(held: true, cancelRequested: true))
        let lost = try await runs.heartbeat([(id: running.id, fence: claim.fence - 1)], lease: .seconds(30))
        #expect(lost[running.id]?.held == false)
        // Another namespace's token sees no such run.
        await #expect(throws: RPCError.self) { try await runs.requestCancel(id: running.id, scope: AccessScope(namespace: "other", mayWrite: true)) }
    }

    @Test func eventsComeInOrderFilteredAndResumable() async throws {
        let (test, job) = try await jobStore()
        let runs = test.store.runs
        let start = try await runs.list(Dms_V1_ListRunsRequest(), namespace: nil).eventSequence
        #expect(start >= 1, "a listing's sequence is never 0 (0 means 'from now' to WatchRuns)")
        let run = try await runs.createManual(job: job)
        try await runs.queueFresh()
        let events = try await runs.events(after: start, matching: RunEventFilter(namespace: nil, jobID: nil, runID: UUID(uuidString: run.id)))
        #expect(events.map(\.kind) == [.created, .stateChanged])
        #expect(events.last?.previousState == .fresh && events.last?.run.state == .queued)
        #expect(events.map(\.sequence) == events.map(\.sequence).sorted() && events.first!.sequence > start)
        let later = try await runs.events(after: events[0].sequence, matching: RunEventFilter(namespace: "default", jobID: nil, runID: nil))
        #expect(later.map(\.sequence) == [events[1].sequence])
        let elsewhere = try await runs.events(after: start, matching: RunEventFilter(namespace: "other", jobID: nil, runID: nil))
        #expect(elsewhere.isEmpty)
        let listed = try await runs.list(Dms_V1_ListRunsRequest(), namespace: "default")
        #expect(listed.runs.map(\.id) == [run.id] && listed.eventSequence == events.last!.sequence)
    }

    @Test func logsAppendInOrderAndReadFromAnyOffset() async throws {
        let (test, job) = try await jobStore()
        let runs = test.store.runs
        let run = try await runs.createManual(job: job)
        try await runs.queueFresh()
        let claim = try #require(try await runs.claimQueued(replica: "a", limits: RunLimits(), lease: .seconds(30), max: 1).first)
        #expect(try await runs.appendLog("first line\n", to: run.id, fence: claim.fence))
        #expect(try await runs.appendLog("zweite Zeile – ü\nthird\n", to: run.id, fence: claim.fence))
        #expect(try await runs.appendLog("lost\n", to: run.id, fence: claim.fence + 1) == false)
        let all = try await runs.readLog(id: run.id, from: 0, maxBytes: 1 << 20, scope: .everything)
        #expect(all.text == "first line\nzweite Zeile – ü\nthird\n" && all.offset == 0 && !all.runEnded)
        #expect(all.logLength == Int64(all.text.utf8.count))
        let tail = try await runs.readLog(id: run.id, from: -8, maxBytes: 1 << 20, scope: .everything)
        #expect(tail.text == "third\n", "from the end: the first whole line")
        let middle = try await runs.readLog(id: run.id, from: 5, maxBytes: 1 << 20, scope: .everything)
        #expect(middle.text.hasPrefix(" line\nzweite"))
        let inside = try await runs.readLog(id: run.id, from: Int64("first line\nzweite Zeile – ".utf8.count + 1), maxBytes: 1 << 20, scope: .everything)
        #expect(inside.text.hasPrefix("\nthird"), "a start inside a character moves to the next one")
    }

    @Test func deletingAJobWithARunInProgressIsRefusedAndNamesTheRun() async throws {
        let (test, job) = try await jobStore()
        let run = try await test.store.runs.createManual(job: job)
        let error = await #expect(throws: RPCError.self) {
            try await test.store.jobs.delete(key: .id(UUID(uuidString: job.id)!), expectedRevision: 0, scope: .everything)
        }
        #expect(error?.code == .failedPrecondition && error?.message.contains(run.id) == true)
        _ = try await test.store.runs.requestCancel(id: run.id, scope: .everything)
        try await test.store.jobs.delete(key: .id(UUID(uuidString: job.id)!), expectedRevision: 0, scope: .everything)
        await #expect(throws: RPCError.self) { try await test.store.runs.get(id: run.id, scope: .everything) }
    }
}

@Suite struct JobScheduleTests {
    @Test func aJobShowsItsNextFiveTicksInItsZoneAndNoneWhilePaused() async throws {
        let test = try await TestStore.open()
        let connection = try await test.postgresConnection()
        let source = try await test.source(connection: connection)
        let target = try await test.target(connection: connection)
        var request = Dms_V1_CreateMigrationJobRequest()
        request.name = "daily"
        request.sourceID = source.id
        request.targetID = target.id
        request.schedule = "30 3 * * *"
        request.timeZone = "Europe/Berlin"
        let job = try await test.store.jobs.create(request, namespace: "default", scope: .everything)
        #expect(job.nextFireTimes.count == 5)
        var berlin = Calendar(identifier: .gregorian)
        berlin.timeZone = TimeZone(identifier: "Europe/Berlin")!
        for tick in job.nextFireTimes {
            let parts = berlin.dateComponents([.hour, .minute, .second], from: tick.date)
            #expect(parts.hour == 3 && parts.minute == 30 && parts.second == 0)
        }
        #expect(job.nextFireTimes.map(\.date) == job.nextFireTimes.map(\.date).sorted() && job.nextFireTimes[0].date > Date())
        let paused = try await test.store.jobs.setPaused(true, key: .id(UUID(uuidString: job.id)!), scope: .everything)
        #expect(paused.nextFireTimes.isEmpty)
    }

    @Test func aBadScheduleIsRefusedWithItsPositionAndReason() async throws {
        let test = try await TestStore.open()
        let connection = try await test.postgresConnection()
        var request = Dms_V1_CreateMigrationJobRequest()
        request.name = "bad"
        request.sourceID = try await test.source(connection: connection).id
        request.targetID = try await test.target(connection: connection).id
        request.schedule = "0 25 * * *"
        let error = await #expect(throws: RPCError.self) { try await test.store.jobs.create(request, namespace: "default", scope: .everything) }
        let violation = error?.violations.first { $0.field == "schedule" }
        #expect(violation?.description.contains("position 3") == true && violation?.description.contains("hour") == true, "\(String(describing: violation))")
    }
}
