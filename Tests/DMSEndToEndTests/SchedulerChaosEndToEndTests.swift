import DMSAPI
import DMSClient
import DMSPostgres
import DMSProto
import DMSTestSupport
import Foundation
import Logging
import Testing

/// Three dmsd replicas on one PostgreSQL, jobs on two-second schedules, and everything that can go
/// wrong going wrong: a replica killed with SIGKILL mid-way and restarted, PostgreSQL restarted,
/// one replica stopped with SIGTERM several times in a row. Afterwards every tick has exactly one
/// run, every run is final, none ran twice, none was dropped, and the log of every run that did
/// not succeed says what happened to it.
///
/// Runs use spark-mode `simulate` (no Spark: each succeeds after 1.5 s, so that most of the time
/// every job has a run going when a replica is killed): the subject is the
/// control plane, and real Spark applications could not reach hundreds of runs on this machine
/// within the test's time. Spark runs have their own end-to-end tests.
@Suite struct SchedulerChaosEndToEndTests {
    static let jobs = 8
    static let schedule = "*/2 * * * * *"

    @Test(.timeLimit(.minutes(8))) func everyTickRunsOnceThroughCrashesRestartsAndADatabaseRestart() async throws {
        try await withTemporaryDirectory { root in
            let port = try FreePort.find()
            let cluster = EmbeddedPostgres(
                configuration: .init(directory: "\(FileManager.default.temporaryDirectory.path)/dms-test-chaos-\(UUID().uuidString.prefix(6))", tcpPort: port),
                logger: Logger(label: "dms.test.chaos"))
            try cluster.start()
            defer { try? cluster.stop() }
            let url = "postgresql://\(EmbeddedPostgres.role)@127.0.0.1:\(port)/dms"
            let arguments = [
                "--spark-mode", "simulate", "--simulated-run-seconds", "1.5", "--run-lease", "4", "--misfire-grace", "30",
                "--max-concurrent-runs", "16",
            ]
            // Replicas share the database, so they share the master key of its secrets.
            let masterKey = "\(root)/master.key"
            try Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString().write(toFile: masterKey, atomically: true, encoding: .utf8)
            chmod(masterKey, 0o600)
            func start(_ name: String) async throws -> DaemonProcess {
                try FileManager.default.createDirectory(atPath: "\(root)/\(name)", withIntermediateDirectories: true)
                return try await DaemonProcess(root: "\(root)/\(name)", arguments: arguments + ["--master-key-file", masterKey], database: .url(url))
            }
            let a = try await start("a")
            var b = try await start("b")
            var c = try await start("c")
            var replicas: [DaemonProcess] { [a, b, c] }
            defer { for replica in [a, b, c] { replica.kill() } }
            let token = try a.adminToken
            let configuration = try a.clientConfiguration()
            // A watcher on replica a sees every change, of runs driven by any replica, through
            // everything below (resuming from the last sequence it saw when its stream breaks).
            let seen = SeenRuns()
            let watcher = Task { await seen.watch(configuration) }
            defer { watcher.cancel() }
            let jobs = try await RPCClient.withConnection(configuration) { client in try await Self.makeJobs(client) }

            // Steady state, then a replica killed outright while it supervises runs (b or c,
            // whichever has one going first; a serves the watcher).
            try await Task.sleep(for: .seconds(12))
            let probe = try PostgresConnection(conninfo: url)
            var victim: String?
            for _ in 0..<100 where victim == nil {
                let busy = Set(try probe.query("SELECT DISTINCT replica FROM migration_job_runs WHERE state = 'running'").map { try $0.string("replica") })
                victim = [("b", b), ("c", c)].first { busy.contains(Self.replicaName($0.1)) }?.0
                if victim == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            if victim == "c" {
                c.kill()
                try await Task.sleep(for: .seconds(8))
                c = try await start("c")
            } else {
                b.kill()
                try await Task.sleep(for: .seconds(8))
                b = try await start("b")
            }
            try await Task.sleep(for: .seconds(6))
            // PostgreSQL goes away for a few seconds.
            try cluster.stop()
            try await Task.sleep(for: .seconds(3))
            try cluster.start()
            try await Task.sleep(for: .seconds(8))
            // One replica stopped gracefully (SIGTERM) three times in a row.
            for round in 0..<3 {
                // The first time, a second SIGTERM arrives while it drains.
                if round == 0 {
                    kill(c.process.processIdentifier, SIGTERM)
                    try await Task.sleep(for: .milliseconds(150))
                }
                #expect(await c.stop() == 0, "dmsd c did not stop cleanly:\n\(c.log.suffix(3000))")
                c = try await start("c")
                try await Task.sleep(for: .seconds(3))
            }
            try await Task.sleep(for: .seconds(8))

            // Stop the schedules, through another replica than the one that made the jobs, and
            // let everything in flight end.
            let stopped = try await RPCClient.withConnection(try b.clientConfiguration(token: token)) { client in
                for job in jobs {
                    var pause = Dms_V1_PauseJobRequest()
                    pause.id = job.id
                    _ = try await client.unary(API.MigrationJobService.pauseJob, pause)
                }
                return Date()
            }
            let db = try PostgresConnection(conninfo: url)
            let deadline = ContinuousClock.now + .seconds(90)
            while try db.query("SELECT count(*) AS n FROM migration_job_runs WHERE state IN ('fresh', 'queued', 'running')").first!.int64("n") > 0 {
                guard ContinuousClock.now < deadline else { break }
                try await Task.sleep(for: .milliseconds(500))
            }
            try await Task.sleep(for: .seconds(2))
            watcher.cancel()
            for replica in replicas { _ = await replica.stop() }

            try Self.check(db, jobs: jobs, through: stopped)
            let final = try db.query("SELECT id::text AS id, state, replica FROM migration_job_runs").map {
                (try $0.string("id"), try $0.string("state"), try $0.string("replica"))
            }
            let watched = await seen.finalStates
            let missed = final.filter { watched[$0.0] != $0.1 }
            #expect(missed.isEmpty, "the watcher on replica a missed \(missed.count) final states, e.g. \(missed.prefix(3))")
            let aReplicas = Set(final.map(\.2).filter { !$0.isEmpty })
            #expect(aReplicas.count >= 3, "runs were driven by \(aReplicas.count) replicas only")
        }
    }

    /// The name a dmsd process gives itself as a replica (host:pid).
    static func replicaName(_ daemon: DaemonProcess) -> String {
        "\(ProcessInfo.processInfo.hostName):\(daemon.process.processIdentifier)"
    }

    /// A connection, a Source and a Target, and `jobs` jobs on the schedule: half retry twice and
    /// queue overlapping ticks, half do not retry and skip them.
    static func makeJobs(_ client: RPCClient) async throws -> [Dms_V1_MigrationJob] {
        var connection = Dms_V1_CreateConnectionRequest()
        connection.name = "chaos-pg"
        connection.type = "postgres"
        connection.schema = #"{"host":"db.example","port":5432,"database":"sales","user":"etl","password":"chaos-pw"}"#
        let created = try await client.unary(API.ConnectionService.createConnection, connection)
        var source = Dms_V1_CreateSourceRequest()
        source.name = "chaos-src"
        source.connectionID = created.id
        source.conf = #"{"table":"public.orders"}"#
        let sourceID = try await client.unary(API.SourceService.createSource, source).id
        var target = Dms_V1_CreateTargetRequest()
        target.name = "chaos-dst"
        target.connectionID = created.id
        target.conf = #"{"table":"public.orders_copy","mode":"append"}"#
        let targetID = try await client.unary(API.TargetService.createTarget, target).id
        var jobs = [Dms_V1_MigrationJob]()
        for index in 0..<Self.jobs {
            var request = Dms_V1_CreateMigrationJobRequest()
            request.name = "chaos-\(index)"
            request.sourceID = sourceID
            request.targetID = targetID
            request.schedule = schedule
            if index % 2 == 0 {
                request.maxAttempts = 3
                request.retryBackoffSeconds = 1
                request.overlapPolicy = .queue
            }
            jobs.append(try await client.unary(API.MigrationJobService.createMigrationJob, request))
        }
        return jobs
    }

    /// What must hold afterwards, read straight from the database.
    static func check(_ db: PostgresConnection, jobs: [Dms_V1_MigrationJob], through stopped: Date) throws {
        let totals = try db.query(
            """
            SELECT count(*) AS runs, count(DISTINCT (migration_job_id, scheduled_time)) AS ticks,
                count(*) FILTER (WHERE state NOT IN ('succeeded', 'failed', 'cancelled')) AS unfinished,
                count(*) FILTER (WHERE state = 'succeeded') AS succeeded
            FROM migration_job_runs WHERE trigger = 'schedule'
            """
        ).first!
        let runs = try totals.int64("runs")
        #expect(runs >= 200, "only \(runs) schedule runs")
        #expect(runs == (try totals.int64("ticks")), "a tick has more than one run")
        let unfinished = try db.query("SELECT count(*) AS n FROM migration_job_runs WHERE state NOT IN ('succeeded', 'failed', 'cancelled')").first!
        #expect(try unfinished.int64("n") == 0, "runs left unfinished")
        #expect(try totals.int64("succeeded") >= 150)

        // None ran twice: a run was claimed at most once (every claim takes a new fence; a rescue
        // takes one more), and two runs of one job never overlapped.
        let claimedTwice = try db.query(
            "SELECT count(*) AS n FROM migration_job_runs WHERE fence > 2 OR (fence = 2 AND error NOT LIKE 'lost:%')"
        ).first!
        #expect(try claimedTwice.int64("n") == 0, "a run was claimed twice")
        let overlapping = try db.query(
            """
            SELECT count(*) AS n, string_agg(r1.id || ' ' || r1.start_time || '…' || r1.end_time || ' / ' || r2.id || ' ' || r2.start_time || '…' || r2.end_time, '; ') AS pairs
            FROM migration_job_runs r1 JOIN migration_job_runs r2
              ON r1.migration_job_id = r2.migration_job_id AND r1.id < r2.id
             AND r1.start_time IS NOT NULL AND r2.start_time IS NOT NULL
             AND r1.start_time < r2.end_time AND r2.start_time < r1.end_time
            """
        ).first!
        #expect(try overlapping.int64("n") == 0, "two runs of one job ran at once: \((try? overlapping.string("pairs")) ?? "")")

        // No tick was dropped: between each job's first and last tick, every tick of the schedule
        // is a run's tick or one of the missed ticks a run stands for.
        for job in jobs {
            let rows = try db.query(
                """
                SELECT extract(epoch FROM scheduled_time)::float8 AS tick, extract(epoch FROM first_tick_time)::float8 AS first
                FROM migration_job_runs WHERE migration_job_id = $1::uuid AND trigger = 'schedule' ORDER BY scheduled_time
                """, job.id)
            var covered = Set<Int>()
            for row in rows {
                let tick = Int(try row.double("tick"))
                let first = Int((try row.optionalDouble("first")) ?? Double(tick))
                for second in stride(from: first, through: tick, by: 2) { covered.insert(second) }
            }
            guard let low = covered.min(), let high = covered.max() else {
                Issue.record("job \(job.name) has no runs")
                continue
            }
            let missing = stride(from: low, through: high, by: 2).filter { !covered.contains($0) }
            #expect(missing.isEmpty, "job \(job.name): ticks without a run: \(missing.prefix(10))")
            #expect(Double(high) >= stopped.timeIntervalSince1970 - 10, "job \(job.name) stopped getting runs early (last tick \(high))")
        }

        // The log of every run that did not succeed says what happened to it.
        let unsuccessful = try db.query(
            """
            SELECT r.id::text AS id, r.state, r.error, coalesce(string_agg(l.data, '' ORDER BY l."offset"), '') AS log
            FROM migration_job_runs r LEFT JOIN run_logs l ON l.run_id = r.id
            WHERE r.state = 'failed' OR (r.state = 'cancelled' AND NOT r.skipped) GROUP BY r.id
            """)
        var reasons = [String: Int]()
        for row in unsuccessful {
            let error = try row.string("error")
            let log = try row.string("log")
            let id = try row.string("id")
            let state = try row.string("state")
            let reason = ["lost: dmsd replica", "interrupted: dmsd replica", "cancelled before it started"].first { error.hasPrefix($0) }
            #expect(reason != nil, "run \(id) \(state) for an unexpected reason: \(error)")
            if let reason {
                reasons[reason, default: 0] += 1
                if reason != "cancelled before it started" {
                    #expect(log.contains("[dms] failed: \(reason)") || log.contains("[dms] \(reason)"), "run \(id)'s log does not say why it failed:\n\(log)")
                }
            }
        }
        // The chaos hit runs in flight (each job has a run going 3/4 of the time).
        #expect(reasons["lost: dmsd replica", default: 0] >= 1, "the SIGKILL interrupted no run: \(reasons)")
        #expect(reasons["interrupted: dmsd replica", default: 0] >= 1, "no SIGTERM interrupted a run: \(reasons)")
        // Retries are linked to the run they repeat, and numbered.
        let badRetries = try db.query(
            """
            SELECT count(*) AS n FROM migration_job_runs r JOIN migration_job_runs o ON o.id = r.retry_of_run_id
            WHERE r.trigger = 'retry' AND (r.attempt <> o.attempt + 1 OR o.state <> 'failed' OR r.scheduled_time IS DISTINCT FROM o.scheduled_time)
            """
        ).first!
        #expect(try badRetries.int64("n") == 0)
        print("chaos: \(runs) schedule runs; not succeeded, by reason: \(reasons)")
    }
}

/// What a watcher saw: the final state of every run, from a WatchRuns stream that it resumes
/// after the last sequence it saw whenever the stream or the connection breaks.
actor SeenRuns {
    private(set) var finalStates = [String: String]()
    private var lastSequence: UInt64 = 0

    nonisolated func watch(_ configuration: RPCClient.Configuration) async {
        while !Task.isCancelled {
            do {
                let resumeAfter = await lastSequence
                try await RPCClient.withConnection(configuration) { client in
                    var request = Dms_V1_WatchRunsRequest()
                    if resumeAfter > 0 { request.resumeAfter = resumeAfter }
                    for try await event in try client.serverStreaming(
                        API.MigrationJobRunService.watchRuns, request, options: .init(timeout: .seconds(600)))
                    {
                        await self.see(event)
                    }
                }
            } catch {
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    private func see(_ event: Dms_V1_RunEvent) {
        if event.sequence > 0 { lastSequence = event.sequence }
        switch event.run.state {
        case .succeeded: finalStates[event.run.id] = "succeeded"
        case .failed: finalStates[event.run.id] = "failed"
        case .cancelled: finalStates[event.run.id] = "cancelled"
        default: break
        }
    }
}
