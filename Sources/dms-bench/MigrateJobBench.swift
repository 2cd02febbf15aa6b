import ArgumentParser
import DMSAPI
import DMSClient
import DMSProto
import Foundation

/// `dms-bench migrate-job`: the RPC half of `scripts/bench migrate` (whose driver,
/// scripts/bench-migrate/migrate.py, starts the databases and dmsd and measures the baselines).
///
/// `--setup FILE` creates, for every job of FILE, two Connections, a Source, a Target and the
/// Migration Job through dmsd, and prints `{"<job name>": "<job id>", …}` on stdout.
/// `--run JOB_ID` triggers one run (RunJob), follows it with WatchRuns until it is final, and
/// prints one JSON object: the trigger→final wall time measured here, the server's own
/// timestamps, the state, the error and the run's metrics.
struct MigrateJobBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate-job",
        abstract: "Create migration jobs through dmsd, or run one and time trigger → final state (used by scripts/bench migrate).",
        discussion: """
            The bearer token comes from DMS_TOKEN. --setup FILE: a JSON object {"jobs": [{"name": …, \
            "source": {"type": …, "connection": {…}, "conf": {…}}, "target": {…same…}, "options": {…}}]}; \
            the connection objects are the connector's connection fields (secrets included: the file \
            should be 0600). --run JOB_ID: RunJob, then WatchRuns until the run is final; the JSON \
            printed holds wall_seconds (RunJob sent → final event received), server_seconds \
            (create_time → end_time), engine_seconds (start_time → end_time), state, error, \
            rows_written, and per table the path (bulk or dataframe), its reason and splits. \
            --log-file also writes the run's log there.
            """)

    @OptionGroup var target: DaemonTargetOptions

    @Option(help: "JSON file describing the jobs to create.")
    var setup: String?

    @Option(help: "Id of the job to run once.")
    var run: String?

    @Option(help: "With --run: where to write the run's log.")
    var logFile: String?

    @Option(help: "With --run: seconds to wait for the run to end.")
    var timeout: Int = 1800

    func validate() throws {
        guard (setup == nil) != (run == nil) else { throw ValidationError("give exactly one of --setup and --run") }
    }

    func run() async throws {
        guard let token = ProcessInfo.processInfo.environment["DMS_TOKEN"], !token.isEmpty else {
            throw MigrateBenchError("set DMS_TOKEN")
        }
        let configuration = target.clientConfiguration(token: token)
        try await RPCClient.withConnection(configuration) { client in
            if let setup {
                let ids = try await Self.createJobs(client, file: setup)
                print(try Self.json(ids))
            } else if let run {
                let result = try await Self.runOnce(client, jobID: run, timeout: timeout, logFile: logFile)
                print(try Self.json(result))
            }
        }
    }

    // MARK: - Setup

    static func createJobs(_ client: RPCClient, file: String) async throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: file))
        guard let document = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let jobs = document["jobs"] as? [[String: Any]]
        else { throw MigrateBenchError("\(file): expected {\"jobs\": [...]}") }
        var ids = [String: Any]()
        for job in jobs {
            guard let name = job["name"] as? String, let source = job["source"] as? [String: Any],
                let target = job["target"] as? [String: Any]
            else { throw MigrateBenchError("\(file): every job needs name, source and target") }
            let sourceConnection = try await createConnection(client, name: "\(name)-src", side: source)
            let targetConnection = try await createConnection(client, name: "\(name)-dst", side: target)
            var createSource = Dms_V1_CreateSourceRequest()
            createSource.name = "\(name)-src"
            createSource.connectionID = sourceConnection.id
            createSource.conf = try json(source["conf"] as? [String: Any] ?? [:])
            let sourceResource = try await client.unary(API.SourceService.createSource, createSource)
            var createTarget = Dms_V1_CreateTargetRequest()
            createTarget.name = "\(name)-dst"
            createTarget.connectionID = targetConnection.id
            createTarget.conf = try json(target["conf"] as? [String: Any] ?? [:])
            let targetResource = try await client.unary(API.TargetService.createTarget, createTarget)
            var createJob = Dms_V1_CreateMigrationJobRequest()
            createJob.name = name
            createJob.sourceID = sourceResource.id
            createJob.targetID = targetResource.id
            if let options = job["options"] as? [String: Any], !options.isEmpty { createJob.options = try json(options) }
            let created = try await client.unary(API.MigrationJobService.createMigrationJob, createJob)
            ids[name] = created.id
        }
        return ids
    }

    static func createConnection(_ client: RPCClient, name: String, side: [String: Any]) async throws -> Dms_V1_Connection {
        guard let type = side["type"] as? String, let connection = side["connection"] as? [String: Any] else {
            throw MigrateBenchError("\(name): source and target need type and connection")
        }
        var request = Dms_V1_CreateConnectionRequest()
        request.name = name
        request.type = type
        request.schema = try json(connection)
        return try await client.unary(API.ConnectionService.createConnection, request)
    }

    // MARK: - One run

    static func runOnce(_ client: RPCClient, jobID: String, timeout: Int, logFile: String?) async throws -> [String: Any] {
        // Watch from the event sequence of a listing made before the run: no event of the run is missed.
        let before = try await client.unary(API.MigrationJobRunService.listRuns, Dms_V1_ListRunsRequest())
        var request = Dms_V1_RunJobRequest()
        request.id = jobID
        let clock = ContinuousClock()
        let started = clock.now
        let created = try await client.unary(API.MigrationJobService.runJob, request)
        let acknowledged = clock.now - started
        var watch = Dms_V1_WatchRunsRequest()
        watch.runID = created.id
        watch.resumeAfter = before.eventSequence
        let stream = try client.serverStreaming(API.MigrationJobRunService.watchRuns, watch, options: .init(timeout: .seconds(Int64(timeout))))
        var final: Dms_V1_MigrationJobRun?
        var stateTimes = [String: Double]()
        for try await event in stream {
            guard event.hasRun, event.run.id == created.id else { continue }
            let state = "\(event.run.state)"
            if stateTimes[state] == nil { stateTimes[state] = seconds(clock.now - started) }
            if [.succeeded, .failed, .cancelled].contains(event.run.state) {
                final = event.run
                break
            }
        }
        let wall = seconds(clock.now - started)
        guard var run = final else { throw MigrateBenchError("the watch of run \(created.id) ended before the run was final") }
        // The final event may precede the last metrics update: read the run once more.
        var get = Dms_V1_GetRunRequest()
        get.id = created.id
        if let again = try? await client.unary(API.MigrationJobRunService.getRun, get) { run = again }
        if let logFile {
            var logRequest = Dms_V1_StreamRunLogsRequest()
            logRequest.runID = created.id
            var text = ""
            for try await chunk in try client.serverStreaming(API.MigrationJobRunService.streamRunLogs, logRequest, options: .init(timeout: .seconds(60))) {
                text += chunk.data
            }
            try Data(text.utf8).write(to: URL(fileURLWithPath: logFile))
        }
        return [
            "run_id": run.id,
            "state": "\(run.state)",
            "error": run.error,
            "wall_seconds": wall,
            "run_job_seconds": seconds(acknowledged),
            "state_seconds": stateTimes,
            "server_seconds": run.hasCreateTime && run.hasEndTime ? run.endTime.timeIntervalSince1970 - run.createTime.timeIntervalSince1970 : -1,
            "engine_seconds": run.hasStartTime && run.hasEndTime ? run.endTime.timeIntervalSince1970 - run.startTime.timeIntervalSince1970 : -1,
            "queued_seconds": run.hasCreateTime && run.hasStartTime ? run.startTime.timeIntervalSince1970 - run.createTime.timeIntervalSince1970 : -1,
            "spark_application_id": run.sparkApplicationID,
            "rows_written": run.metrics.totals.rowsWritten,
            "tables": run.metrics.tables.map { table -> [String: Any] in
                [
                    "table": table.table, "target_table": table.targetTable, "rows_read": table.rowsRead,
                    "rows_written": table.rowsWritten, "duration_ms": table.durationMs, "path": table.path,
                    "path_reason": table.pathReason, "splits": table.splits,
                ]
            },
        ]
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func json(_ object: Any) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
}

struct MigrateBenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
