import ArgumentParser
import DMSAPI
import DMSClient
import DMSPostgres
import DMSProto
import Foundation
import NIOCore
import SwiftProtobuf

/// `dms-bench scheduler`: how fast dmsd's scheduler turns due ticks into runs with many jobs, and
/// what holding them costs while nothing is due; next to a minimal scheduler written in raw SQL on
/// the same PostgreSQL (the baseline).
struct SchedulerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scheduler",
        abstract: "Measure schedule tick → queued → running latency at many jobs, and dmsd's idle CPU holding them.",
        discussion: """
            Needs a dmsd with --spark-mode simulate (runs start no Spark and succeed at once) and \
            DMS_TOKEN (an admin token) in the environment. Steps: dmsd's CPU while idle with no job; \
            --jobs jobs created (schedules that fire on 1 January) and dmsd's CPU while idle holding them; \
            then every job's schedule changed to fire once, at whole seconds spread evenly over --window \
            seconds starting shortly after, and every state change watched through WatchRuns: the \
            latency of a tick is the time of its run's QUEUED (and RUNNING) change minus its \
            scheduled time, both by the database's clock. The baseline does the same ticks with raw \
            SQL on scratch tables in dmsd's database (--database, no password in it): a loop that \
            sleeps until the next due time, then turns every due job into a queued run, moves the \
            job's next tick, and claims the queued runs, each step one set-based statement with FOR \
            UPDATE SKIP LOCKED.
            """)

    @OptionGroup var target: DaemonTargetOptions

    @Option(help: "libpq conninfo of dmsd's PostgreSQL database (the baseline runs there).")
    var database: String

    @Option(help: "The pid of dmsd (its CPU time is read from /proc).")
    var dmsdPid: Int32

    @Option(help: "Jobs with schedules.")
    var jobs: Int = 10_000

    @Option(help: "Seconds the measured ticks are spread over.")
    var window: Int = 120

    @Option(help: "Seconds each idle CPU measurement lasts.")
    var idleSeconds: Int = 20

    @Option(help: "API calls in flight while the jobs are created and changed.")
    var concurrency: Int = 16

    func validate() throws {
        guard jobs > 0, window > 0, idleSeconds > 0, concurrency > 0 else { throw ValidationError("--jobs, --window, --idle-seconds and --concurrency must be > 0") }
        guard !StoreBench.carriesPassword(database) else { throw ValidationError("--database must not carry a password: use PGPASSFILE") }
    }

    func run() async throws {
        guard let token = ProcessInfo.processInfo.environment["DMS_TOKEN"], !token.isEmpty else {
            throw SchedulerBenchError("set DMS_TOKEN to an admin token")
        }
        let loadBefore = loadAverage()
        progress("dmsd's CPU while idle with no job (\(idleSeconds) s) …")
        let idleEmpty = try await cpuPercent(over: .seconds(idleSeconds))

        let report = try await RPCClient.withConnection(target.clientConfiguration(token: token)) { client in
            let calls = SchedulerCalls(client: client)
            progress("creating \(jobs) jobs, \(concurrency) calls in flight …")
            let created = try await calls.createJobs(count: jobs, concurrency: concurrency)
            progress("created in \(String(format: "%.1f", created.seconds)) s; dmsd's CPU while idle holding them (\(idleSeconds) s) …")
            let idleHolding = try await cpuPercent(over: .seconds(idleSeconds))

            // Every job fires once in the window; the changes must all land before it opens.
            let start = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + created.seconds * 1.5 + 15).rounded(.up))
            let ticks = (0..<jobs).map { start.addingTimeInterval(Double($0 * window / jobs)) }
            let watcher = RunWatcher(expected: jobs)
            let watch = Task { try await watcher.watch(client) }
            progress("moving every job's tick into the window \(start.formatted(.iso8601)) + \(window) s …")
            try await calls.reschedule(created.jobs, at: ticks, concurrency: concurrency)
            guard Date() < start else {
                throw SchedulerBenchError("changing the schedules took past the window's start: try fewer --jobs or a later start")
            }
            progress("waiting for \(jobs) runs …")
            let deadline = start.addingTimeInterval(Double(window) + 120)
            while await !watcher.isComplete, Date() < deadline { try await Task.sleep(for: .milliseconds(500)) }
            watch.cancel()
            let latencies = await watcher.latencies
            guard latencies.queued.count == jobs, latencies.running.count == jobs else {
                throw SchedulerBenchError("saw \(latencies.queued.count) queued and \(latencies.running.count) running of \(jobs) runs by the deadline")
            }
            return (idleHolding, latencies, created.seconds)
        }
        let (idleHolding, latencies, createSeconds) = report

        progress("baseline: the same \(jobs) ticks over \(window) s with raw SQL …")
        let baseline = try await RawSQLScheduler(conninfo: database).measure(jobs: jobs, window: window)
        let loadAfter = loadAverage()

        let rows: [(String, [Double], [Double])] = [
            ("due → queued", latencies.queued, baseline.queued),
            ("due → running", latencies.running, baseline.running),
        ]
        print("Scheduler: \(jobs) jobs, one tick each, at whole seconds spread over \(window) s (~\(jobs / window) per second)")
        print("dmsd (spark-mode simulate) vs a raw-SQL scheduler loop on the same PostgreSQL; latencies by the database's clock")
        print("jobs created in \(String(format: "%.1f", createSeconds)) s; cores \(System.coreCount); load average before \(loadBefore), after \(loadAfter)")
        print("")
        print(pad("", 15) + pad("DMS p50", 10) + pad("base p50", 10) + pad("DMS p99", 10) + pad("base p99", 10) + pad("DMS max", 10))
        for (name, dms, raw) in rows {
            print(
                pad(name, 15) + pad(Figure.format(percentile(dms, 50), unit: "ms"), 10) + pad(Figure.format(percentile(raw, 50), unit: "ms"), 10)
                    + pad(Figure.format(percentile(dms, 99), unit: "ms"), 10) + pad(Figure.format(percentile(raw, 99), unit: "ms"), 10)
                    + pad(Figure.format(dms.max() ?? .nan, unit: "ms"), 10))
        }
        print("idle CPU of dmsd: \(String(format: "%.2f", idleHolding)) % of one core holding \(jobs) jobs, \(String(format: "%.2f", idleEmpty)) % with none")
        print("(target: p99 below 1000 ms at 10,000 jobs)")
        print("")
        print(Figure(name: "scheduler_queued_p50", value: percentile(latencies.queued, 50), unit: "ms", baseline: percentile(baseline.queued, 50)).benchLine)
        print(Figure(name: "scheduler_queued_p99", value: percentile(latencies.queued, 99), unit: "ms", baseline: percentile(baseline.queued, 99)).benchLine)
        print(Figure(name: "scheduler_running_p50", value: percentile(latencies.running, 50), unit: "ms", baseline: percentile(baseline.running, 50)).benchLine)
        print(Figure(name: "scheduler_running_p99", value: percentile(latencies.running, 99), unit: "ms", baseline: percentile(baseline.running, 99)).benchLine)
        print("BENCH scheduler_idle_cpu \(String(format: "%.2f", idleHolding)) % baseline=\(String(format: "%.2f", idleEmpty)) ratio=\(String(format: "%.2f", idleHolding / max(idleEmpty, 0.01)))")
    }

    /// dmsd's CPU time over `duration`, in percent of one core.
    private func cpuPercent(over duration: Duration) async throws -> Double {
        let before = try cpuSeconds()
        let start = ContinuousClock.now
        try await Task.sleep(for: duration)
        let elapsed = ContinuousClock.now - start
        return (try cpuSeconds() - before) / (Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18) * 100
    }

    /// User and system CPU seconds of dmsd (/proc/PID/stat, fields 14 and 15).
    private func cpuSeconds() throws -> Double {
        let text = try String(contentsOfFile: "/proc/\(dmsdPid)/stat", encoding: .utf8)
        guard let close = text.lastIndex(of: ")") else { throw SchedulerBenchError("cannot read /proc/\(dmsdPid)/stat") }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command: state is field 3, so utime (14) and stime (15) are at 11 and 12.
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else {
            throw SchedulerBenchError("cannot read dmsd's CPU time")
        }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }
}

/// The nearest-rank percentile of milliseconds.
func percentile(_ values: [Double], _ p: Double) -> Double {
    nearestRank(values.sorted(), p) ?? .nan
}

struct SchedulerBenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The API calls of the benchmark: the jobs and their schedules.
struct SchedulerCalls: Sendable {
    let client: RPCClient

    /// A Source and a Target on one connection, and `count` jobs firing on 1 January.
    func createJobs(count: Int, concurrency: Int) async throws -> (jobs: [Dms_V1_MigrationJob], seconds: Double) {
        let suffix = UUID().uuidString.prefix(6).lowercased()
        var connection = Dms_V1_CreateConnectionRequest()
        connection.name = "bench-sched-\(suffix)"
        connection.type = "postgres"
        connection.schema = #"{"host":"db.example","port":5432,"database":"sales","user":"etl","password":"bench-pw"}"#
        let connectionID = try await client.unary(API.ConnectionService.createConnection, connection).id
        var source = Dms_V1_CreateSourceRequest()
        source.name = "bench-src-\(suffix)"
        source.connectionID = connectionID
        source.conf = #"{"table":"public.orders"}"#
        let sourceID = try await client.unary(API.SourceService.createSource, source).id
        var target = Dms_V1_CreateTargetRequest()
        target.name = "bench-dst-\(suffix)"
        target.connectionID = connectionID
        target.conf = #"{"table":"public.orders_copy","mode":"append"}"#
        let targetID = try await client.unary(API.TargetService.createTarget, target).id
        let client = self.client
        let outcome = try await StoreRunner.run(0..<count, concurrency: concurrency) { index in
            var request = Dms_V1_CreateMigrationJobRequest()
            request.name = "bench-\(suffix)-\(index)"
            request.sourceID = sourceID
            request.targetID = targetID
            request.schedule = "0 0 1 1 *"
            return try await client.unary(API.MigrationJobService.createMigrationJob, request)
        }
        return (outcome.values, outcome.result.seconds)
    }

    /// Gives job `i` a schedule that fires at `ticks[i]` (a whole second, UTC) once a year.
    func reschedule(_ jobs: [Dms_V1_MigrationJob], at ticks: [Date], concurrency: Int) async throws {
        let calendar: Calendar = {
            var utc = Calendar(identifier: .gregorian)
            utc.timeZone = TimeZone(identifier: "UTC")!
            return utc
        }()
        let client = self.client
        _ = try await StoreRunner.run(0..<jobs.count, concurrency: concurrency) { index in
            let parts = calendar.dateComponents([.second, .minute, .hour, .day, .month], from: ticks[index])
            var request = Dms_V1_UpdateMigrationJobRequest()
            request.id = jobs[index].id
            request.expectedRevision = jobs[index].revision
            request.updateMask = ["schedule"]
            request.schedule = "\(parts.second!) \(parts.minute!) \(parts.hour!) \(parts.day!) \(parts.month!) *"
            return try await client.unary(API.MigrationJobService.updateMigrationJob, request).revision
        }
    }
}

/// Collects, from WatchRuns, when each schedule run became QUEUED and RUNNING.
actor RunWatcher {
    private let expected: Int
    private var queued = [String: Double]()
    private var running = [String: Double]()

    init(expected: Int) { self.expected = expected }

    var isComplete: Bool { queued.count >= expected && running.count >= expected }
    var latencies: (queued: [Double], running: [Double]) { (Array(queued.values), Array(running.values)) }

    func watch(_ client: RPCClient) async throws {
        var request = Dms_V1_WatchRunsRequest()
        request.namespace = "default"
        for try await event in try client.serverStreaming(API.MigrationJobRunService.watchRuns, request, options: .init(timeout: .seconds(3600))) {
            guard event.kind == .stateChanged, event.run.trigger == .schedule, event.run.hasScheduledTime else { continue }
            let latency = (event.time.timeIntervalSince1970 - event.run.scheduledTime.timeIntervalSince1970) * 1000
            switch event.run.state {
            case .queued: queued[event.run.id] = latency
            case .running: running[event.run.id] = latency
            default: break
            }
        }
    }
}

/// The baseline: the least a scheduler on PostgreSQL does for the same ticks, in raw SQL.
struct RawSQLScheduler {
    let conninfo: String

    func measure(jobs: Int, window: Int) async throws -> (queued: [Double], running: [Double]) {
        let db = try PostgresConnection(conninfo: conninfo)
        try db.execute(
            script: """
                DROP TABLE IF EXISTS bench_sched_runs, bench_sched_jobs;
                CREATE TABLE bench_sched_jobs (id int PRIMARY KEY, next_fire_time timestamptz);
                CREATE INDEX ON bench_sched_jobs (next_fire_time);
                CREATE TABLE bench_sched_runs (id bigserial PRIMARY KEY, job int NOT NULL, scheduled_time timestamptz NOT NULL,
                    state text NOT NULL, queued_time timestamptz, start_time timestamptz, UNIQUE (job, scheduled_time));
                """)
        defer { try? db.execute(script: "DROP TABLE IF EXISTS bench_sched_runs, bench_sched_jobs") }
        try db.query(
            """
            INSERT INTO bench_sched_jobs SELECT g, date_trunc('second', now()) + interval '3 seconds' + make_interval(secs => (g * $2 / $1))
            FROM generate_series(0, $1 - 1) g
            """, jobs, window)
        let deadline = ContinuousClock.now + .seconds(window + 120)
        while ContinuousClock.now < deadline {
            try db.execute(script: "BEGIN")
            try db.query(
                """
                WITH due AS (SELECT id, next_fire_time FROM bench_sched_jobs WHERE next_fire_time <= now() FOR UPDATE SKIP LOCKED),
                     made AS (INSERT INTO bench_sched_runs (job, scheduled_time, state, queued_time)
                              SELECT id, next_fire_time, 'queued', clock_timestamp() FROM due ON CONFLICT DO NOTHING)
                UPDATE bench_sched_jobs j SET next_fire_time = 'infinity' FROM due WHERE j.id = due.id
                """)
            try db.execute(script: "COMMIT")
            try db.query(
                """
                UPDATE bench_sched_runs SET state = 'running', start_time = clock_timestamp()
                WHERE id IN (SELECT id FROM bench_sched_runs WHERE state = 'queued' FOR UPDATE SKIP LOCKED)
                """)
            try db.query("UPDATE bench_sched_runs SET state = 'succeeded' WHERE state = 'running'")
            let next = try db.query(
                "SELECT extract(epoch FROM min(next_fire_time) - clock_timestamp())::float8 AS s FROM bench_sched_jobs WHERE next_fire_time < 'infinity'"
            ).first
            guard let seconds = try next?.optionalDouble("s") else { break }
            if seconds > 0 { try await Task.sleep(for: .milliseconds(Int64(min(seconds, 1) * 1000))) }
        }
        let rows = try db.query(
            """
            SELECT extract(epoch FROM queued_time - scheduled_time)::float8 * 1000 AS q, extract(epoch FROM start_time - scheduled_time)::float8 * 1000 AS r
            FROM bench_sched_runs
            """)
        guard rows.count == jobs else { throw SchedulerBenchError("the baseline made \(rows.count) runs of \(jobs)") }
        return (try rows.map { try $0.double("q") }, try rows.map { try $0.double("r") })
    }
}
