import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs each job as its own Spark application: `spark-submit … dms_job.py run --spec FILE`, its
/// events read from stdout lines `DMS-EVENT {json}`, every other line into the run's log.
public struct SubmitLauncher: Sendable {
    let settings: SparkSettings
    let program: JobProgram

    public init(settings: SparkSettings, program: JobProgram) {
        self.settings = settings
        self.program = program
    }

    /// The spark-submit arguments shared by one-shot runs and the warm engine: the job's Spark
    /// settings over DMS's defaults, except speculation, which stays off (database targets commit
    /// per task: a speculative copy would write its partition twice); the job's drivers after DMS's.
    static func submitArguments(settings: SparkSettings, sparkConf: [String: String], dependencies: JobDependencies = .init()) -> [String] {
        var arguments = ["--master", settings.master, "--name", "dms"]
        let jars = settings.driverJars() + dependencies.jars
        if !jars.isEmpty { arguments += ["--jars", jars.joined(separator: ",")] }
        if !dependencies.packages.isEmpty { arguments += ["--packages", dependencies.packages.joined(separator: ",")] }
        arguments += ["--driver-java-options", "-Duser.timezone=UTC -XX:TieredStopAtLevel=1"]
        var conf = ["spark.ui.enabled": "false", "spark.pyspark.python": settings.python]
        conf.merge(sparkConf) { _, job in job }
        conf["spark.speculation"] = "false"
        for key in conf.keys.sorted() { arguments += ["--conf", "\(key)=\(conf[key]!)"] }
        return arguments
    }

    /// The environment of every Spark process dmsd starts.
    static func environment(settings: SparkSettings) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DMS_") }
        environment["SPARK_LOCAL_IP"] = environment["SPARK_LOCAL_IP"] ?? "127.0.0.1"
        environment["PYSPARK_PYTHON"] = settings.python
        environment["PYSPARK_DRIVER_PYTHON"] = settings.python
        // The job program ends itself when dmsd's end of its stdin closes (ChildProcess).
        environment["DMS_LIFELINE"] = "stdin"
        return environment
    }

    /// Starts one run of the spec at `specPath`.
    public func start(specPath: String, sparkConf: [String: String], dependencies: JobDependencies) throws -> any EngineRun {
        let arguments = Self.submitArguments(settings: settings, sparkConf: sparkConf, dependencies: dependencies)
            + [program.mainScript, "run", "--spec", specPath]
        let child = try ChildProcess(
            executable: settings.sparkSubmit, arguments: arguments, environment: Self.environment(settings: settings),
            directory: settings.workDirectory)
        return SubmittedRun(child: child)
    }
}

/// A run that is its own spark-submit process group.
final class SubmittedRun: EngineRun, Sendable {
    static let eventPrefix = "DMS-EVENT "
    let output: AsyncStream<EngineOutput>
    private let child: ChildProcess
    private let lastErrors: LastLines
    private let driverPID = DriverProcess()

    init(child: ChildProcess) {
        self.child = child
        let lastErrors = LastLines(keep: 20)
        self.lastErrors = lastErrors
        let (output, continuation) = AsyncStream.makeStream(of: EngineOutput.self)
        self.output = output
        let driverPID = driverPID
        Task {
            for await line in child.lines {
                if line.stream == .stdout, let event = EngineEvent(line: line.text, prefix: Self.eventPrefix) {
                    if event.name == "started", let pid = event.int("driver_pid") { driverPID.pid = pid_t(pid) }
                    continuation.yield(.event(event))
                } else {
                    if line.stream == .stderr { lastErrors.append(line.text) }
                    continuation.yield(.log(line.text))
                }
            }
            _ = await child.status()
            continuation.finish()
        }
    }

    func cancel() async {
        // The Python driver turns SIGTERM into a cancel of its Spark jobs and reports `cancelled`
        // (a SIGTERM to spark-submit's JVM would end it at once, without a report). Before the
        // driver is known, the whole group is stopped.
        if let pid = driverPID.pid {
            _ = Glibc.kill(pid, SIGTERM)
        } else {
            child.signalGroup(SIGTERM)
        }
        Task { [child] in
            try await Task.sleep(for: .seconds(20))
            child.signalGroup(SIGKILL)
        }
    }

    func kill() async {
        await child.stop(grace: .seconds(5))
    }

    func endWithoutResult() async -> String {
        let status = await child.status()
        let cause = lastErrors.lines.last { line in
            line.contains("Exception") || line.contains("Error") || line.contains("error:")
        }
        return "spark-submit exited with status \(status) before the job reported a result" + (cause.map { ": \($0)" } ?? "")
    }
}

/// The last few lines of some output.
final class LastLines: @unchecked Sendable {
    private let lock = NSLock()
    private var buffer = [String]()
    private let keep: Int

    init(keep: Int) { self.keep = keep }

    func append(_ line: String) {
        lock.lock()
        buffer.append(line)
        if buffer.count > keep { buffer.removeFirst(buffer.count - keep) }
        lock.unlock()
    }

    var lines: [String] {
        lock.lock()
        defer { lock.unlock() }
        return buffer
    }
}

/// The Python driver's pid, once the `started` event told it.
final class DriverProcess: @unchecked Sendable {
    private let lock = NSLock()
    private var value: pid_t?

    var pid: pid_t? {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
