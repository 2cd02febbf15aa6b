import DMSAPI
import DMSClient
import DMSPostgres
import DMSProto
import DMSTestSupport
import Foundation
import Testing

/// Past one machine: a Spark standalone master and worker on loopback (from the installed
/// PySpark), and a run that dmsd sends there with `--spark-master spark://…`.
@Suite(.serialized)
struct SparkStandaloneEndToEndTests {
    @Test func aRunOnAStandaloneClusterMovesTheRows() async throws {
        let source = try TestPostgres.makeDatabase(prefix: "src")
        let target = try TestPostgres.makeDatabase(prefix: "dst")
        try RunTestDaemon.seedOrders(source, rows: 300)
        try await withTemporaryDirectory { root in
            let cluster = try await StandaloneCluster.start(root: root)
            defer { cluster.stop() }
            try await DaemonProcess.with(
                arguments: ["--spark-master", cluster.master, "--spark-submit", RunTestDaemon.sparkSubmit, "--spark-mode", "warm"]
            ) { dmsd in
                try await RPCClient.withConnection(try dmsd.clientConfiguration()) { client in
                    let job = try await RunTestDaemon.makeJob(client, name: "remote", source: source, target: target, targetConf: ["table": "public.orders"])
                    let run = try await RunTestDaemon.runToEnd(client, job: job)
                    let runLog = try await RunTestDaemon.log(client, runID: run.id)
                    #expect(run.state == .succeeded, "\(run.error)\n\(runLog)")
                    // A standalone cluster names its applications app-…; local mode would say local-….
                    #expect(run.sparkApplicationID.hasPrefix("app-"), "\(run.sparkApplicationID)")
                    #expect(run.metrics.totals.rowsWritten == 300)
                }
            }
            let copied = try PostgresConnection(conninfo: target).query("SELECT count(*) AS n FROM public.orders").first
            #expect(try copied?.int64("n") == 300)
        }
    }
}

/// A Spark standalone master and one worker, started with the venv's `spark-class`.
struct StandaloneCluster {
    let master: String
    let processes: [Process]

    static func start(root: String) async throws -> StandaloneCluster {
        let sparkClass = URL(fileURLWithPath: RunTestDaemon.sparkSubmit).deletingLastPathComponent().appendingPathComponent("spark-class").path
        let port = try FreePort.find()
        var environment = ProcessInfo.processInfo.environment
        environment["SPARK_LOCAL_IP"] = "127.0.0.1"
        // spark-class finds Spark through the `python` on PATH: the venv's.
        let bin = URL(fileURLWithPath: sparkClass).deletingLastPathComponent().path
        environment["PATH"] = "\(bin):\(environment["PATH"] ?? "/usr/bin:/bin")"
        environment["SPARK_WORKER_DIR"] = "\(root)/work"
        environment["SPARK_LOG_DIR"] = root
        func launch(_ arguments: [String], log: String) throws -> Process {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: sparkClass)
            process.arguments = arguments
            process.environment = environment
            _ = FileManager.default.createFile(atPath: "\(root)/\(log)", contents: nil)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: "\(root)/\(log)"))
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            return process
        }
        let master = try launch(
            ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1", "--port", String(port), "--webui-port", String(try FreePort.find())],
            log: "master.log")
        let url = "spark://127.0.0.1:\(port)"
        let worker = try launch(
            ["org.apache.spark.deploy.worker.Worker", url, "--host", "127.0.0.1", "--cores", "2", "--memory", "2g", "--webui-port", String(try FreePort.find())],
            log: "worker.log")
        let cluster = StandaloneCluster(master: url, processes: [worker, master])
        // Ready once the master has registered the worker.
        let deadline = ContinuousClock.now + .seconds(120)
        while ContinuousClock.now < deadline {
            let log = (try? String(contentsOfFile: "\(root)/master.log", encoding: .utf8)) ?? ""
            if log.contains("Registering worker") { return cluster }
            if !master.isRunning || !worker.isRunning { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        cluster.stop()
        let masterLog = (try? String(contentsOfFile: "\(root)/master.log", encoding: .utf8)) ?? ""
        let workerLog = (try? String(contentsOfFile: "\(root)/worker.log", encoding: .utf8)) ?? ""
        throw TestSupportError("the standalone cluster did not come up\n--- master\n\(masterLog)\n--- worker\n\(workerLog)")
    }

    func stop() {
        for process in processes where process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
    }
}
