import DMSProto
import Foundation
import Logging

/// Starts runs on Spark: each as its own spark-submit, or (local master, mode `warm`) in the
/// long-lived driver dmsd keeps running.
public final class SparkEngine: Sendable {
    public let settings: SparkSettings
    let program: JobProgram
    let submit: SubmitLauncher
    let warm: WarmEngine?
    let logger: Logger

    /// Writes the job program into the work directory and prepares the launchers (the warm engine
    /// starts with the first run that uses it).
    public init(settings: SparkSettings, logger: Logger) throws {
        self.settings = settings
        self.logger = logger
        for directory in ["runs", "probes"] {
            try FileManager.default.createDirectory(
                atPath: "\(settings.workDirectory)/\(directory)", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        }
        program = try JobProgram(writingTo: "\(settings.workDirectory)/program")
        submit = SubmitLauncher(settings: settings, program: program)
        warm = settings.mode == .warm && settings.isLocal ? WarmEngine(settings: settings, program: program, logger: logger) : nil
    }

    /// Tests connections (TestConnection) with this engine's Python and job program.
    public var connectionTester: ConnectionTester { ConnectionTester(settings: settings, program: program) }

    /// Where a run's spec file goes.
    func specPath(runID: String) -> String { "\(settings.workDirectory)/runs/\(runID).json" }

    /// Where a run goes.
    enum Route: Equatable {
        /// The warm engine's long-lived driver.
        case warm
        /// A spark-submit of its own.
        case submit
    }

    /// Where a job's run goes: to the warm engine when there is one, unless the job has Spark
    /// settings or drivers of its own, or touches Hive tables (the warm JVM's settings, class path
    /// and catalog are fixed).
    static func route(warmEngine: Bool, sparkConf: [String: String], dependencies: JobDependencies) -> Route {
        warmEngine && sparkConf.isEmpty && dependencies.isEmpty && !dependencies.hiveSupport ? .warm : .submit
    }

    /// Starts the run whose spec is at `specPath` (see ``route(warmEngine:sparkConf:dependencies:)``).
    func start(specPath: String, job: Dms_V1_MigrationJob, runID: String, dependencies: JobDependencies) async throws -> any EngineRun {
        if settings.mode == .simulate { return SimulatedRun(runID: runID, duration: settings.simulatedRunDuration) }
        guard !settings.sparkSubmit.isEmpty else {
            throw EngineError("no spark-submit is configured: install PySpark (scripts/bootstrap) or give dmsd --spark-submit")
        }
        if let warm, Self.route(warmEngine: true, sparkConf: job.sparkConf, dependencies: dependencies) == .warm {
            return try await warm.start(specPath: specPath)
        }
        return try submit.start(specPath: specPath, sparkConf: job.sparkConf, dependencies: dependencies)
    }

    /// Starts the warm engine now (instead of with the first run), if there is one and Spark is
    /// installed; a failure is logged, and the first run tries again.
    public func prepare() async {
        guard let warm, !settings.sparkSubmit.isEmpty else { return }
        do {
            try await warm.ensureRunning()
        } catch {
            logger.warning("the warm Spark engine did not start; runs will try again: \(error)")
        }
    }

    /// Stops the warm engine, if it runs.
    public func shutdown() async {
        await warm?.stop()
    }
}
