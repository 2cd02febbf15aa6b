import DMSCatalog
import Testing

@Suite struct ConnectorSpecConfigurationTests {
    static let catalog = ConnectorCatalog.builtIn

    static func spec(_ type: String, _ version: Int = 0) throws -> ConnectorSpec {
        try catalog.spec(type: type, version: version)
    }

    static func reasons(_ violations: [Violation]) -> [String] { violations.map(\.description) }

    static let postgresConnection: [String: JSONValue] = [
        "host": "db.internal", "port": 5432, "database": "shop", "user": "dms", "password": "s3cret", "ssl_mode": "require",
    ]

    // MARK: Connections

    @Test func aGoodConnectionOfEveryTypeValidates() throws {
        let examples: [(String, JSONValue)] = [
            ("postgres", .object(Self.postgresConnection)),
            ("mysql", ["host": "maria", "user": "root", "password": "x", "flavor": "mariadb", "properties": ["rewriteBatchedStatements": "true"]]),
            ("sqlite", ["path": "/data/app.db"]),
            ("jdbc", ["url": "jdbc:h2:mem:x", "driver_class": "org.h2.Driver", "driver_coordinates": "com.h2database:h2:2.2.224"]),
            ("file", ["format": "parquet", "path": "s3a://bucket/orders", "options": ["mergeSchema": "true"]]),
            ("file", ["format": "csv", "path": "/srv/exports", "options": ["header": "true", "delimiter": ";"]]),
            ("hive", [:]),
            ("hive", ["metastore_uri": "thrift://meta:9083,thrift://[::1]:9083", "database": "sales", "warehouse_dir": "hdfs://nn/warehouse"]),
            ("hive", ["metastore_uri": ""]),
        ]
        for (type, connection) in examples {
            #expect(try Self.spec(type).validateConnection(connection) == [], "\(type) \(connection)")
        }
    }

    @Test func aBadConnectionGetsEveryViolation() throws {
        let violations = try Self.spec("postgres").validateConnection([
            "host": "", "port": 70000, "user": 5, "ssl_mode": "on", "sslmode": "require", "connect_timeout_seconds": 0,
        ])
        #expect(Self.reasons(violations) == [
            "connect_timeout_seconds: must be at least 1",
            "database: required field is missing",
            "host: must not be empty",
            "port: must be at most 65535",
            "ssl_mode: must be one of: disable, allow, prefer, require, verify-ca, verify-full",
            "sslmode: unknown field",
            "user: must be a string, got integer",
        ])
    }

    @Test func aConnectionMustBeAnObject() throws {
        #expect(Self.reasons(try Self.spec("sqlite").validateConnection(["/data/app.db"])) == ["must be an object, got array"])
    }

    @Test(arguments: [
        (#"{"url": "postgresql://db/x", "driver_class": "org.postgresql.Driver"}"#, "url: must match ^jdbc:"),
        (#"{"url": "jdbc:x", "driver_class": "org.postgresql..Driver"}"#, "driver_class: must match"),
        (#"{"url": "jdbc:x", "driver_class": "a.B", "driver_coordinates": "org.postgresql:postgresql"}"#, "driver_coordinates: must match"),
        (#"{"url": "jdbc:x", "driver_class": "a.B", "driver_jar": "/d.jar", "driver_coordinates": "g:a:1"}"#, "driver_jar and driver_coordinates cannot be set together"),
    ])
    func jdbcChecksItsURLDriverClassAndDriverSource(text: String, expected: String) throws {
        let violations = try Self.spec("jdbc").validateConnection(JSONValue(parsing: text))
        #expect(violations.count == 1)
        #expect(violations.first?.description.hasPrefix(expected) == true, "\(violations)")
    }

    @Test(arguments: ["relative/dir", "orders.csv", ""])
    func filePathsMustBeAbsoluteOrURIs(path: String) throws {
        let violations = try Self.spec("file").validateConnection(["format": "csv", "path": .string(path)])
        #expect(violations.map(\.path) == ["path"])
    }

    @Test(arguments: ["thrift://meta", "http://meta:9083", "thrift://meta:9083,", "meta:9083"])
    func hiveMetastoreURIsMustBeThrift(uri: String) throws {
        let violations = try Self.spec("hive").validateConnection(["metastore_uri": .string(uri)])
        #expect(violations.map(\.path) == ["metastore_uri"])
    }

    @Test func postgresVersion1ConfigurationsStillValidateAndRender() throws {
        let v1 = try Self.spec("postgres", 1)
        let connection: [String: JSONValue] = ["host": "old", "database": "legacy", "user": "u", "password": "p", "sslmode": "verify-full"]
        #expect(v1.validateConnection(.object(connection)) == [])
        #expect(v1.effectiveConnection(connection) == connection.merging(["port": 5432]) { $1 })
        #expect(v1.redacted(connection)["password"] == "********")
        #expect(try JSONValue(parsing: v1.schemaText(.connection))["properties"]?["sslmode"]?["default"] == "prefer")
        // …and a v1 configuration is not a v2 one.
        #expect(Self.reasons(try Self.spec("postgres", 2).validateConnection(.object(connection))) == ["sslmode: unknown field"])
    }

    @Test func effectiveConnectionAddsDefaultsButKeepsGivenValues() throws {
        let effective = try Self.spec("postgres").effectiveConnection(["host": "h", "database": "d", "user": "u", "port": 6432])
        #expect(effective == [
            "host": "h", "database": "d", "user": "u", "port": 6432, "ssl_mode": "prefer", "connect_timeout_seconds": 10,
            "application_name": "dms",
        ])
    }

    // MARK: Overrides

    @Test func goodSourceAndTargetOverridesValidate() throws {
        let spec = try Self.spec("postgres")
        #expect(spec.validateOverrides(["table": "public.orders", "fetch_size": 500], role: .source, connection: Self.postgresConnection) == [])
        #expect(spec.validateOverrides(["tables": ["sales.*", "hr.people"], "database": "archive"], role: .source, connection: Self.postgresConnection) == [])
        #expect(spec.validateOverrides([:], role: .target, connection: Self.postgresConnection) == [])
        #expect(spec.validateOverrides(["mode": "upsert", "key_columns": ["id"]], role: .target, connection: Self.postgresConnection) == [])
    }

    @Test func anOverrideKeyMustBeAConnectionOrRoleField() throws {
        let spec = try Self.spec("postgres")
        let violations = spec.validateOverrides(["table": "t", "tabel": "t", "mode": "append"], role: .source, connection: Self.postgresConnection)
        // `mode` is a target field, not a source one.
        #expect(Self.reasons(violations) == ["mode: unknown field", "tabel: unknown field"])
    }

    @Test func aWrongTypeOnAnOverriddenConnectionFieldIsReported() throws {
        let spec = try Self.spec("postgres")
        let violations = spec.validateOverrides(["table": "t", "port": "5433", "ssl_mode": "sometimes"], role: .source, connection: Self.postgresConnection)
        #expect(Self.reasons(violations) == [
            "port: must be an integer, got string",
            "ssl_mode: must be one of: disable, allow, prefer, require, verify-ca, verify-full",
        ])
    }

    @Test func overridesMustBeAnObject() throws {
        let violations = try Self.spec("postgres").validateOverrides(["table"], role: .source, connection: Self.postgresConnection)
        #expect(Self.reasons(violations) == ["must be an object, got array"])
    }

    static let readChoices: [(JSONValue, String)] = [
        ([:], "must set exactly one of: table, tables, query"),
        (["table": "a", "query": "select 1"], "table, query cannot be set together; set exactly one of: table, tables, query"),
        (["table": "a", "tables": ["b"], "query": "select 1"], "table, tables, query cannot be set together; set exactly one of: table, tables, query"),
    ]

    @Test(arguments: readChoices)
    func tableTablesAndQueryAreMutuallyExclusive(overrides: JSONValue, expected: String) throws {
        for type in ["postgres", "mysql", "sqlite", "jdbc", "hive"] {
            let spec = try Self.spec(type)
            let connection = Self.validConnection(type)
            #expect(Self.reasons(spec.validateOverrides(overrides, role: .source, connection: connection)) == [expected], "\(type)")
        }
    }

    static func validConnection(_ type: String) -> [String: JSONValue] {
        switch type {
        case "postgres": postgresConnection
        case "mysql": ["host": "m", "user": "u"]
        case "sqlite": ["path": "/a.db"]
        case "jdbc": ["url": "jdbc:h2:mem:x", "driver_class": "org.h2.Driver"]
        case "file": ["format": "csv", "path": "/in"]
        default: [:]
        }
    }

    @Test func upsertRequiresKeyColumns() throws {
        for type in ["postgres", "mysql", "sqlite", "jdbc"] {
            let violations = try Self.spec(type).validateOverrides(["mode": "upsert", "table": "t"], role: .target, connection: Self.validConnection(type))
            #expect(Self.reasons(violations) == ["key_columns: required field is missing (when mode is upsert)"], "\(type)")
        }
    }

    @Test func otherModesDoNotNeedKeyColumns() throws {
        let violations = try Self.spec("postgres").validateOverrides(["mode": "overwrite"], role: .target, connection: Self.postgresConnection)
        #expect(violations == [])
        let bad = try Self.spec("postgres").validateOverrides(["mode": "merge"], role: .target, connection: Self.postgresConnection)
        #expect(Self.reasons(bad) == ["mode: must be one of: append, overwrite, create_if_missing, error_if_exists, upsert"])
    }

    @Test func sourceRulesOnColumnsAndPartitionsHold() throws {
        let spec = try Self.spec("mysql")
        let connection = Self.validConnection("mysql")
        let violations = spec.validateOverrides(
            ["table": "t", "columns": ["a"], "exclude_columns": ["b"], "num_partitions": 2000, "lower_bound": 0],
            role: .source, connection: connection)
        #expect(Self.reasons(violations) == [
            "columns and exclude_columns cannot be set together",
            "num_partitions: must be at most 1024",
            "partition_column: required when lower_bound is set",
            "partition_column: required when num_partitions is set",
            "upper_bound: required when lower_bound is set",
        ])
    }

    @Test func requiredConnectionFieldsMayComeFromTheOverrides() throws {
        // A connection missing `database` (stored before the rule, say) is completed by the source.
        let spec = try Self.spec("postgres")
        var connection = Self.postgresConnection
        connection["database"] = nil
        #expect(Self.reasons(spec.validateOverrides(["table": "t"], role: .source, connection: connection)) == ["database: required field is missing"])
        #expect(spec.validateOverrides(["table": "t", "database": "other"], role: .source, connection: connection) == [])
    }

    @Test func fileTargetsOverrideThePathAndChooseAMode() throws {
        let spec = try Self.spec("file")
        let connection: [String: JSONValue] = ["format": "csv", "path": "/in", "options": ["header": "true"]]
        #expect(spec.validateOverrides(["path": "s3a://out/x", "mode": "overwrite", "partition_by": ["country"], "compression": "gzip"], role: .target, connection: connection) == [])
        #expect(Self.reasons(spec.validateOverrides(["mode": "upsert", "path": "out"], role: .target, connection: connection)) == [
            "mode: must be one of: append, overwrite, error_if_exists", "path: must match ^(/|[A-Za-z][A-Za-z0-9+.-]*:/)",
        ])
        #expect(spec.validateOverrides(["filter": "x > 1", "columns": ["x"]], role: .source, connection: connection) == [])
    }

    // MARK: Effective configuration

    @Test func effectiveConfHasEveryConnectionFieldAndSaysWhereEachCameFrom() throws {
        let spec = try Self.spec("postgres")
        let connection: [String: JSONValue] = ["host": "db", "database": "shop", "user": "dms", "password": "pw", "port": 5433]
        let conf = spec.effectiveConf(connection: connection, overrides: ["database": "archive", "table": "orders"], role: .source)
        #expect(conf.values == [
            "host": "db", "database": "archive", "user": "dms", "password": "pw", "port": 5433, "table": "orders",
            "ssl_mode": "prefer", "connect_timeout_seconds": 10, "application_name": "dms", "fetch_size": 10000,
        ])
        #expect(conf.origin == [
            "host": .inherited, "user": .inherited, "password": .inherited, "port": .inherited,
            "database": .overridden, "table": .overridden,
            "ssl_mode": .defaulted, "connect_timeout_seconds": .defaulted, "application_name": .defaulted, "fetch_size": .defaulted,
        ])
        #expect(conf.overriddenFields == ["database", "table"])
        #expect(Set(connection.keys).isSubset(of: conf.values.keys))
    }

    @Test func anOverrideReplacesADefaultAndAWholeObjectField() throws {
        let spec = try Self.spec("mysql")
        let connection: [String: JSONValue] = ["host": "m", "user": "u", "properties": ["useSSL": "true", "a": "1"]]
        let conf = spec.effectiveConf(connection: connection, overrides: ["port": 3307, "properties": ["a": "2"], "mode": "upsert"], role: .target)
        #expect(conf.values["port"] == 3307)
        #expect(conf.origin["port"] == .overridden)
        #expect(conf.values["properties"] == ["a": "2"])
        #expect(conf.values["mode"] == "upsert")
        #expect(conf.values["batch_size"] == 10000)
        #expect(conf.values["create_table"] == true)
        #expect(conf.origin["flavor"] == .defaulted)
    }

    @Test func fileAndHiveTargetsGetTheirOwnDefaults() throws {
        let file = try Self.spec("file").effectiveConf(connection: ["format": "orc", "path": "/out"], overrides: [:], role: .target)
        #expect(file.values == ["format": "orc", "path": "/out", "mode": "error_if_exists"])
        #expect(file.origin["mode"] == .defaulted)
        let hive = try Self.spec("hive").effectiveConf(connection: [:], overrides: ["table": "sales.orders"], role: .target)
        #expect(hive.values == ["database": "default", "table": "sales.orders", "mode": "append", "format": "parquet"])
        let hiveSource = try Self.spec("hive").effectiveConf(connection: ["database": "sales"], overrides: ["table": "orders"], role: .source)
        #expect(hiveSource.values == ["database": "sales", "table": "orders"])
        #expect(hiveSource.origin == ["database": .inherited, "table": .overridden])
    }

    @Test func aChangedConnectionReachesTheEffectiveConf() throws {
        // Inheritance is live: the same overrides over a rotated password give the new password.
        let spec = try Self.spec("postgres")
        var connection = Self.postgresConnection
        let before = spec.effectiveConf(connection: connection, overrides: ["table": "t"], role: .source)
        connection["password"] = "rotated"
        let after = spec.effectiveConf(connection: connection, overrides: ["table": "t"], role: .source)
        #expect(before.values["password"] == "s3cret")
        #expect(after.values["password"] == "rotated")
        #expect(after.origin["password"] == .inherited)
    }

    @Test func combinedSchemaUnitesFieldsAndRules() throws {
        let combined = try Self.spec("postgres").combinedSchema(.target)
        let properties = try #require(combined["properties"]?.objectValue)
        #expect(Set(properties.keys).isSuperset(of: ["host", "password", "table", "mode", "key_columns"]))
        #expect(combined["required"] == ["host", "database", "user"])
        #expect(combined["additionalProperties"] == false)
        #expect(combined["allOf"]?[0]?["if"] != nil)
    }
}
