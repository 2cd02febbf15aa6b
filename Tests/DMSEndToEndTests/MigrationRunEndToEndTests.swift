import DMSAPI
import DMSClient
import DMSPostgres
import DMSProto
import DMSTestSupport
import DMSWire
import Foundation
import Testing

/// Runs through dmsd end to end: RunJob → a real Spark application (the job program, real
/// PostgreSQL source and target) → the run's states, metrics and log as clients see them.
@Suite(.serialized)
struct MigrationRunEndToEndTests {
    @Test func aManualRunMovesTheRowsAndRecordsWhatHappened() async throws {
        let source = try TestPostgres.makeDatabase(prefix: "src")
        let target = try TestPostgres.makeDatabase(prefix: "dst")
        try PostgresConnection(conninfo: source).execute(
            script: """
                CREATE TABLE public.orders (id bigint PRIMARY KEY, note text, amount numeric(12,2), placed date);
                INSERT INTO public.orders SELECT g, 'order ' || g, g * 1.25, date '2024-01-01' + (g % 365) FROM generate_series(1, 1000) g;
                """)
        try await RunTestDaemon.with(mode: "submit") { dmsd, client in
            let job = try await RunTestDaemon.makeJob(client, name: "copy-orders", source: source, target: target, targetConf: ["table": "public.orders"])
            // Watching from the sequence of a listing made before the run shows its whole life.
            let before = try await client.unary(API.MigrationJobRunService.listRuns, Dms_V1_ListRunsRequest())
            var request = Dms_V1_RunJobRequest()
            request.id = job.id
            let created = try await client.unary(API.MigrationJobService.runJob, request)
            #expect(created.state == .fresh)
            #expect(created.trigger == .manual)

            let (events, final) = try await RunTestDaemon.watchUntilFinal(client, runID: created.id, resumeAfter: before.eventSequence)
            #expect(events.first?.kind == .created)
            #expect(events.map(\.sequence) == events.map(\.sequence).sorted())
            let runLog = try await RunTestDaemon.log(client, runID: created.id)
            #expect(final.state == .succeeded, "error: \(final.error)\nlog:\n\(runLog)")
            let states = events.filter { $0.kind == .stateChanged }.map(\.run.state)
            #expect(states == [.queued, .running, .succeeded])
            #expect(final.hasStartTime && final.hasEndTime)
            #expect(!final.sparkApplicationID.isEmpty)
            #expect(final.metrics.totals.rowsWritten == 1000)
            #expect(final.metrics.tables.map(\.table).contains { $0.hasSuffix("orders") })

            let copied = try PostgresConnection(conninfo: target).query("SELECT count(*) AS n, sum(amount)::text AS total FROM public.orders").first
            #expect(try copied?.int64("n") == 1000)
            #expect(try copied?.text("total") == "625625.00")

            #expect(runLog.contains("[dms] result: succeeded"))
            let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: "\(dmsd.root)/data/engine/runs")) ?? []
            #expect(leftovers.isEmpty, "spec files left behind: \(leftovers)")
        }
    }
}

/// One dmsd with the warm engine (one Spark driver for all its runs): success through dmsctl,
/// a failure that must not leak a secret, a cancel and a timeout.
@Suite(.serialized)
struct WarmEngineRunEndToEndTests {
    static let canary = "canary-pw-7Qz19x"

    @Test func runsSucceedFailGetCancelledAndTimeOutAndSayWhy() async throws {
        let source = try TestPostgres.makeDatabase(prefix: "src")
        let target = try TestPostgres.makeDatabase(prefix: "dst")
        try RunTestDaemon.seedOrders(source, rows: 500)
        try await RunTestDaemon.with(mode: "warm") { dmsd, client in
            // Success, followed by dmsctl: a progress line, the final table, exit status 0.
            _ = try await RunTestDaemon.makeJob(client, name: "ok", source: source, target: target, targetConf: ["table": "public.orders"])
            let dmsctl = try await runProcess(Binaries.path("dmsctl"), ["job", "run", "ok", "--wait", "--config", dmsd.clientConfigFile])
            #expect(dmsctl.status == 0, "\(dmsctl.stdout)\n\(dmsctl.stderr)")
            #expect(dmsctl.stdout.contains("SUCCEEDED") && dmsctl.stdout.contains("500"), "\(dmsctl.stdout)")
            let listed = try await runProcess(Binaries.path("dmsctl"), ["run", "list", "-o", "json", "--config", dmsd.clientConfigFile])
            #expect(listed.status == 0 && listed.stdout.contains("RUN_STATE_SUCCEEDED"), "\(listed.stdout)\(listed.stderr)")

            // A missing table: FAILED, the error names it, and the connection's password is nowhere.
            let missing = try await RunTestDaemon.makeJob(
                client, name: "missing", source: source, target: target, sourceConf: ["table": "public.nowhere"],
                targetConf: ["table": "public.nowhere"], password: Self.canary)
            let failed = try await RunTestDaemon.runToEnd(client, job: missing)
            #expect(failed.state == .failed)
            #expect(failed.error.contains("nowhere"), "\(failed.error)")
            let failedLog = try await RunTestDaemon.log(client, runID: failed.id)
            let dmsctlFailed = try await runProcess(Binaries.path("dmsctl"), ["job", "run", "missing", "--wait", "--config", dmsd.clientConfigFile])
            #expect(dmsctlFailed.status == 6, "\(dmsctlFailed.stdout)\(dmsctlFailed.stderr)")
            for text in [failed.error, failedLog, dmsctlFailed.stdout, dmsctlFailed.stderr, dmsd.log] {
                #expect(!text.contains(Self.canary), "the password leaked")
            }

            // A slow read, cancelled while it runs.
            let slow = try await RunTestDaemon.makeJob(
                client, name: "slow", source: source, target: target, sourceConf: ["query": RunTestDaemon.slowQuery],
                targetConf: ["table": "public.slow"])
            let started = try await RunTestDaemon.start(client, job: slow)
            try await RunTestDaemon.waitUntilCopying(client, runID: started.id)
            let marked = try await client.unary(API.MigrationJobRunService.cancelRun, .with { $0.id = started.id })
            #expect(marked.cancelRequested)
            let (_, cancelled) = try await RunTestDaemon.watchUntilFinal(client, runID: started.id)
            #expect(cancelled.state == .cancelled && cancelled.error == "cancelled by request", "\(cancelled.error)")
            let again = await #expect(throws: RPCError.self) { try await client.unary(API.MigrationJobRunService.cancelRun, .with { $0.id = started.id }) }
            #expect(again?.code == .failedPrecondition)

            // The same read with a 5 s timeout: FAILED, saying so.
            var update = Dms_V1_UpdateMigrationJobRequest()
            update.id = slow.id
            update.expectedRevision = slow.revision
            update.updateMask = ["timeout_seconds"]
            update.timeoutSeconds = 5
            let timed = try await client.unary(API.MigrationJobService.updateMigrationJob, update)
            let timedOut = try await RunTestDaemon.runToEnd(client, job: timed)
            #expect(timedOut.state == .failed && timedOut.error.contains("timed out after 5 s"), "\(timedOut.error)")
        }
    }
}

/// A dmsd set up for runs, and the steps the run tests share.
enum RunTestDaemon {
    /// The spark-submit of the test environment's virtual environment.
    static var sparkSubmit: String {
        let venv = ProcessInfo.processInfo.environment["DMS_VENV"].flatMap { $0.isEmpty ? nil : $0 } ?? "\(Binaries.packageRoot)/.venv"
        return "\(venv)/bin/spark-submit"
    }

    static func with(mode: String, arguments: [String] = [], _ body: (DaemonProcess, RPCClient) async throws -> Void) async throws {
        try await DaemonProcess.with(arguments: ["--spark-mode", mode, "--spark-submit", sparkSubmit, "--max-concurrent-runs", "2"] + arguments) { dmsd in
            try await RPCClient.withConnection(try dmsd.clientConfiguration()) { client in
                try await body(dmsd, client)
            }
        }
    }

    /// Connections to the two databases, a Source and a Target on them, and a job pairing them.
    static func makeJob(
        _ client: RPCClient, name: String, source: String, target: String, sourceConf: [String: Any] = ["table": "public.orders"],
        targetConf: [String: Any], password: String? = nil
    ) async throws -> Dms_V1_MigrationJob {
        func connection(_ url: String, _ suffix: String) async throws -> Dms_V1_Connection {
            let parsed = URLComponents(string: url)!
            var request = Dms_V1_CreateConnectionRequest()
            request.name = "\(name)-\(suffix)"
            request.type = "postgres"
            var schema: [String: Any] = ["host": parsed.host!, "port": parsed.port!, "database": String(parsed.path.dropFirst()), "user": parsed.user!]
            // The test cluster trusts local connections, so a password is carried, not checked.
            if let password { schema["password"] = password }
            request.schema = try json(schema)
            return try await client.unary(API.ConnectionService.createConnection, request)
        }
        let sourceConnection = try await connection(source, "src")
        let targetConnection = try await connection(target, "dst")
        var createSource = Dms_V1_CreateSourceRequest()
        createSource.name = "\(name)-src"
        createSource.connectionID = sourceConnection.id
        createSource.conf = try json(sourceConf)
        let sourceResource = try await client.unary(API.SourceService.createSource, createSource)
        var createTarget = Dms_V1_CreateTargetRequest()
        createTarget.name = "\(name)-dst"
        createTarget.connectionID = targetConnection.id
        createTarget.conf = try json(targetConf)
        let targetResource = try await client.unary(API.TargetService.createTarget, createTarget)
        var createJob = Dms_V1_CreateMigrationJobRequest()
        createJob.name = name
        createJob.sourceID = sourceResource.id
        createJob.targetID = targetResource.id
        return try await client.unary(API.MigrationJobService.createMigrationJob, createJob)
    }

    /// Creates `public.orders (id bigint PRIMARY KEY, note text)` with `rows` rows in `database`.
    static func seedOrders(_ database: String, rows: Int) throws {
        try PostgresConnection(conninfo: database).execute(
            script: """
                CREATE TABLE public.orders (id bigint PRIMARY KEY, note text);
                INSERT INTO public.orders SELECT g, 'order ' || g FROM generate_series(1, \(rows)) g;
                """)
    }

    /// A source query that keeps PostgreSQL busy for two minutes: its run copies until stopped.
    static let slowQuery = "SELECT g AS id FROM generate_series(1, 3) g CROSS JOIN pg_sleep(120)"

    /// Starts a run of `job`.
    static func start(_ client: RPCClient, job: Dms_V1_MigrationJob) async throws -> Dms_V1_MigrationJobRun {
        var request = Dms_V1_RunJobRequest()
        request.id = job.id
        return try await client.unary(API.MigrationJobService.runJob, request)
    }

    /// Starts a run of `job` and watches it to its end.
    static func runToEnd(_ client: RPCClient, job: Dms_V1_MigrationJob) async throws -> Dms_V1_MigrationJobRun {
        let run = try await start(client, job: job)
        return try await watchUntilFinal(client, runID: run.id).1
    }

    /// Waits until a run's Spark application is moving data (phase "copying").
    static func waitUntilCopying(_ client: RPCClient, runID: String) async throws {
        var request = Dms_V1_WatchRunsRequest()
        request.runID = runID
        request.sendCurrent = true
        for try await event in try client.serverStreaming(API.MigrationJobRunService.watchRuns, request, options: .init(timeout: .seconds(180))) {
            if event.run.progress.phase == "copying" { return }
            if [.succeeded, .failed, .cancelled].contains(event.run.state) { throw TestSupportError("the run ended before it copied: \(event.run.error)") }
        }
    }

    /// Watches one run until it is final; returns the events and the final run.
    static func watchUntilFinal(_ client: RPCClient, runID: String, resumeAfter: UInt64? = nil) async throws -> ([Dms_V1_RunEvent], Dms_V1_MigrationJobRun) {
        var request = Dms_V1_WatchRunsRequest()
        request.runID = runID
        if let resumeAfter {
            request.resumeAfter = resumeAfter
        } else {
            request.sendCurrent = true
        }
        var iterator = try client.serverStreaming(API.MigrationJobRunService.watchRuns, request, options: .init(timeout: .seconds(300)))
            .makeAsyncIterator()
        let (events, error) = await collect(&iterator)
        if let error { throw error }
        guard let last = events.last else { throw TestSupportError("the watch ended without events") }
        return (events, last.run)
    }

    /// The whole log of a run.
    static func log(_ client: RPCClient, runID: String) async throws -> String {
        var request = Dms_V1_StreamRunLogsRequest()
        request.runID = runID
        var iterator = try client.serverStreaming(API.MigrationJobRunService.streamRunLogs, request, options: .init(timeout: .seconds(30)))
            .makeAsyncIterator()
        let (chunks, error) = await collect(&iterator)
        if let error { throw error }
        return chunks.map(\.data).joined()
    }

    static func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}
