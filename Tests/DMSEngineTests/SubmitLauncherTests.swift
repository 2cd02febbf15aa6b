import DMSCatalog
@testable import DMSEngine
import DMSTestSupport
import Foundation
import Testing

@Suite struct SubmitLauncherTests {
    private func settings(driverDirectories: [String] = []) -> SparkSettings {
        SparkSettings(
            master: "local[2]", sparkSubmit: "/opt/spark/bin/spark-submit", python: "/opt/venv/bin/python",
            driverDirectories: driverDirectories, mode: .warm, workDirectory: "/var/lib/dms")
    }

    /// The value that follows `flag` in `arguments`, if the flag is there.
    private func value(of flag: String, in arguments: [String]) -> String? {
        guard let index = arguments.firstIndex(of: flag), index + 1 < arguments.count else { return nil }
        return arguments[index + 1]
    }

    @Test func driverCoordinatesGoToPackagesAndADriverJarFollowsDMSsJars() async throws {
        try await withTemporaryDirectory { directory in
            FileManager.default.createFile(atPath: "\(directory)/site-driver.jar", contents: Data())
            let dependencies = JobDependencies(packages: ["com.h2database:h2:2.2.224", "org.x:y:1.0"], jars: ["/opt/drivers/ojdbc11.jar"])
            let arguments = SubmitLauncher.submitArguments(
                settings: settings(driverDirectories: [directory]), sparkConf: [:], dependencies: dependencies)
            #expect(value(of: "--packages", in: arguments) == "com.h2database:h2:2.2.224,org.x:y:1.0")
            #expect(value(of: "--jars", in: arguments) == "\(directory)/site-driver.jar,/opt/drivers/ojdbc11.jar")
            #expect(arguments.filter { $0 == "--packages" }.count == 1)
        }
    }

    @Test func withoutDependenciesThereIsNoPackagesFlag() {
        let arguments = SubmitLauncher.submitArguments(settings: settings(), sparkConf: [:])
        #expect(!arguments.contains("--packages"))
        #expect(!arguments.contains("--jars"))
        #expect(value(of: "--master", in: arguments) == "local[2]")
    }

    @Test func speculationStaysOffWhateverTheJobAsksAndTheJobsOtherSettingsWin() {
        let arguments = SubmitLauncher.submitArguments(
            settings: settings(), sparkConf: ["spark.speculation": "true", "spark.ui.enabled": "true", "spark.executor.memory": "1g"])
        let conf = arguments.indices.filter { arguments[$0] == "--conf" }.map { arguments[$0 + 1] }
        #expect(conf.contains("spark.speculation=false"))
        #expect(!conf.contains("spark.speculation=true"))
        #expect(conf.contains("spark.executor.memory=1g") && conf.contains("spark.ui.enabled=true"))
        #expect(conf.contains("spark.pyspark.python=/opt/venv/bin/python"))
    }

    @Test func theDriversComeFromJDBCConnectionsOnlyEachOnce() {
        let coordinates: JSONValue = "com.oracle.database.jdbc:ojdbc11:23.4.0.24.05"
        let dependencies = JobDependencies(connections: [
            ("jdbc", ["url": "jdbc:oracle:thin:@db:1521/orcl", "driver_class": "oracle.jdbc.OracleDriver", "driver_coordinates": coordinates]),
            ("jdbc", ["url": "jdbc:oracle:thin:@other:1521/orcl", "driver_class": "oracle.jdbc.OracleDriver", "driver_coordinates": coordinates]),
            ("jdbc", ["url": "jdbc:h2:mem:x", "driver_class": "org.h2.Driver", "driver_jar": "/opt/h2.jar"]),
            ("postgres", ["host": "db", "driver_coordinates": "not:for:postgres"]),
        ])
        #expect(dependencies == JobDependencies(packages: ["com.oracle.database.jdbc:ojdbc11:23.4.0.24.05"], jars: ["/opt/h2.jar"]))
        #expect(JobDependencies(connections: [("postgres", ["host": "db"]), ("file", ["path": "/x"])]).isEmpty)
        #expect(JobDependencies(connections: [("postgres", ["host": "db"]), ("hive", [:])]) == JobDependencies(hiveSupport: true))
    }

    @Test(arguments: [
        (true, [String: String](), JobDependencies(), SparkEngine.Route.warm),
        (true, [:], JobDependencies(packages: ["com.h2database:h2:2.2.224"]), .submit),
        (true, [:], JobDependencies(jars: ["/opt/h2.jar"]), .submit),
        (true, ["spark.executor.memory": "1g"], JobDependencies(), .submit),
        (true, [:], JobDependencies(hiveSupport: true), .submit),
        (false, [:], JobDependencies(), .submit),
    ])
    func jobsWithDriversOrSettingsOfTheirOwnOrHiveTablesGoToSparkSubmit(
        warmEngine: Bool, sparkConf: [String: String], dependencies: JobDependencies, route: SparkEngine.Route
    ) {
        #expect(SparkEngine.route(warmEngine: warmEngine, sparkConf: sparkConf, dependencies: dependencies) == route)
    }
}
