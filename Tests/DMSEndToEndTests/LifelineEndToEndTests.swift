import DMSClient
import DMSTestSupport
import Foundation
import Testing

/// dmsd killed with SIGKILL in the middle of a run: the Spark application it started (spark-submit's
/// JVM, the Python driver, whatever they started) ends by itself within seconds, because each
/// child's stdin is a lifeline only dmsd held open (ChildProcess, PySpark/README.md "Lifeline");
/// and another dmsd on the same database fails the run once its lease runs out, saying why.
@Suite(.serialized)
struct LifelineEndToEndTests {
    static let limit = Duration.seconds(20)

    @Test(arguments: ["warm", "submit"])
    func aKilledDaemonLeavesNoSparkProcessOfItsRunBehind(mode: String) async throws {
        let source = try TestPostgres.makeDatabase(prefix: "src")
        let target = try TestPostgres.makeDatabase(prefix: "dst")
        try await RunTestDaemon.with(mode: mode, arguments: ["--run-lease", "5"]) { dmsd, client in
            let slow = try await RunTestDaemon.makeJob(
                client, name: "slow", source: source, target: target, sourceConf: ["query": RunTestDaemon.slowQuery],
                targetConf: ["table": "public.slow"])
            let run = try await RunTestDaemon.start(client, job: slow)
            try await RunTestDaemon.waitUntilCopying(client, runID: run.id)

            // Everything dmsd started: spark-submit's JVM and the Python driver it runs.
            let spark = ProcessTable().descendants(of: dmsd.process.processIdentifier)
            let commands = spark.map(\.commandLine)
            #expect(commands.contains { $0.contains("java") }, "\(commands)")
            #expect(commands.contains { $0.contains(mode == "warm" ? "dms_job.py serve" : "dms_job.py run --spec") }, "\(commands)")
            if mode == "submit" { #expect(commands.contains { $0.contains("\(run.id).json") }, "\(commands)") }

            await dmsd.stop(signal: SIGKILL)
            let killed = ContinuousClock.now
            // Left: what dmsd started, and anything naming its directory (spec, program, socket) or the run.
            func leftovers() -> [ProcessTable.Entry] {
                let table = ProcessTable()
                let named = table.entries.values.filter {
                    $0.isRunning && ($0.commandLine.contains(dmsd.root) || $0.commandLine.contains(run.id))
                }
                return Array(Set(spark.filter(table.stillRuns) + named))
            }
            var left = leftovers()
            while !left.isEmpty, ContinuousClock.now - killed < Self.limit {
                try await Task.sleep(for: .milliseconds(100))
                left = leftovers()
            }
            let elapsed = ContinuousClock.now - killed
            #expect(left.isEmpty, "still running \(elapsed) after dmsd's SIGKILL: \(left.map(\.commandLine))")
            if left.isEmpty {
                print("\(mode): every Spark process of the run was gone \(elapsed) after dmsd's SIGKILL")
            }
            for entry in left { kill(entry.pid, SIGKILL) }  // not to leave them to the next tests

            // Another replica on the same database (and master key) rescues the run: FAILED once
            // its lease ran out, naming the replica that lost it, in its error and its log.
            let token = try dmsd.adminToken
            try await withTemporaryDirectory { root in
                let rescuer = try await DaemonProcess(
                    root: root, arguments: ["--run-lease", "5", "--master-key-file", "\(dmsd.root)/data/master.key"],
                    database: .url(dmsd.databaseURL!))
                defer { rescuer.kill() }
                try await RPCClient.withConnection(try rescuer.clientConfiguration(token: token)) { client in
                    let (_, final) = try await RunTestDaemon.watchUntilFinal(client, runID: run.id)
                    #expect(final.state == .failed && final.error.hasPrefix("lost: dmsd replica"), "\(final.error)")
                    #expect(final.replica != "" && final.error.contains(final.replica), "\(final.error)")
                    let log = try await RunTestDaemon.log(client, runID: run.id)
                    #expect(log.contains("[dms] lost: dmsd replica"), "\(log.suffix(2000))")
                }
            }
        }
    }
}
