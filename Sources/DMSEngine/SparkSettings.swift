import Foundation

/// How dmsd runs Spark applications.
public struct SparkSettings: Sendable, Equatable {
    /// How a run reaches Spark.
    public enum Mode: String, Sendable, CaseIterable {
        /// In local mode, a long-lived driver dmsd keeps running takes the runs (no JVM start per
        /// run). Jobs with Spark settings or JDBC drivers of their own still get their own
        /// application, and so does every run when the master is not local.
        case warm
        /// Every run is its own `spark-submit`.
        case submit
        /// No Spark at all: each run reports success after ``SparkSettings/simulatedRunDuration``
        /// without moving data (for trying out schedules and for control-plane tests at scale).
        case simulate
    }

    /// The Spark master: `local[*]`, `local[N]`, `spark://host:port`, `yarn`, `k8s://…`.
    public var master: String
    /// The `spark-submit` program.
    public var sparkSubmit: String
    /// The Python the driver and workers use (it needs PySpark, psycopg and PyMySQL).
    public var python: String
    /// Directories searched for JDBC driver jars (after the configured one: Debian's /usr/share/java).
    public var driverDirectories: [String]
    public var mode: Mode
    /// Where dmsd writes the job program, run specs and the warm engine's socket.
    public var workDirectory: String
    /// How long a run of mode `simulate` lasts.
    public var simulatedRunDuration: Duration = .seconds(1)

    public init(master: String, sparkSubmit: String, python: String, driverDirectories: [String], mode: Mode, workDirectory: String) {
        self.master = master
        self.sparkSubmit = sparkSubmit
        self.python = python
        self.driverDirectories = driverDirectories
        self.mode = mode
        self.workDirectory = workDirectory
    }

    /// Whether the master runs everything inside the driver's machine.
    public var isLocal: Bool { master == "local" || master.hasPrefix("local[") }

    /// The `spark-submit` to use when none is configured: `$DMS_VENV/bin`, `./.venv/bin`,
    /// `$SPARK_HOME/bin`, then `PATH`.
    public static func defaultSparkSubmit(environment: [String: String], currentDirectory: String) -> String? {
        var candidates = [String]()
        if let venv = environment["DMS_VENV"], !venv.isEmpty { candidates.append("\(venv)/bin/spark-submit") }
        candidates.append("\(currentDirectory)/.venv/bin/spark-submit")
        if let home = environment["SPARK_HOME"], !home.isEmpty { candidates.append("\(home)/bin/spark-submit") }
        for directory in (environment["PATH"] ?? "").split(separator: ":") { candidates.append("\(directory)/spark-submit") }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The Python beside `sparkSubmit` (a virtual environment's), else `python3`.
    public static func python(beside sparkSubmit: String) -> String {
        let sibling = URL(fileURLWithPath: sparkSubmit).deletingLastPathComponent().appendingPathComponent("python").path
        return FileManager.default.isExecutableFile(atPath: sibling) ? sibling : "python3"
    }

    /// The JDBC driver jars to put on Spark's class path: every `*.jar` of the configured
    /// directories, and from /usr/share/java the PostgreSQL, MariaDB and SQLite drivers.
    public func driverJars() -> [String] {
        var jars = [String]()
        for directory in driverDirectories {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            if directory == "/usr/share/java" {
                for name in ["postgresql.jar", "mariadb-java-client.jar", "sqlite-jdbc.jar"] where names.contains(name) {
                    jars.append("\(directory)/\(name)")
                }
            } else {
                jars += names.filter { $0.hasSuffix(".jar") }.sorted().map { "\(directory)/\($0)" }
            }
        }
        return jars
    }
}
