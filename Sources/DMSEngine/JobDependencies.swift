import DMSCatalog

/// What a job's Spark application needs on its class path beyond DMS's own drivers: the JDBC
/// driver of a generic `jdbc` connection, as a jar (`driver_jar`, to `--jars`) or as Maven
/// coordinates (`driver_coordinates`, to `--packages`, fetched by spark-submit when the run starts).
/// A running JVM cannot take either, so such jobs never go to the warm engine; nor do jobs that
/// read or write `hive` tables, whose session is built with Spark's Hive support and the
/// connection's metastore (settings fixed when a JVM's Spark session starts).
public struct JobDependencies: Sendable, Equatable {
    /// Maven coordinates `group:artifact:version`.
    public var packages: [String]
    /// Paths or URLs of jar files.
    public var jars: [String]
    /// Whether a connection of the job is `hive`.
    public var hiveSupport: Bool

    public init(packages: [String] = [], jars: [String] = [], hiveSupport: Bool = false) {
        self.packages = packages
        self.jars = jars
        self.hiveSupport = hiveSupport
    }

    /// Whether the job needs nothing beyond DMS's drivers.
    public var isEmpty: Bool { packages.isEmpty && jars.isEmpty }

    /// The drivers the `jdbc` connections among `connections` (connector type and effective
    /// configuration) name, each once, in order; whether one of them is `hive`.
    public init(connections: [(type: String, conf: [String: JSONValue])]) {
        self.init(hiveSupport: connections.contains { $0.type == "hive" })
        for connection in connections where connection.type == "jdbc" {
            if let coordinates = connection.conf["driver_coordinates"]?.stringValue, !packages.contains(coordinates) {
                packages.append(coordinates)
            }
            if let jar = connection.conf["driver_jar"]?.stringValue, !jars.contains(jar) {
                jars.append(jar)
            }
        }
    }
}
