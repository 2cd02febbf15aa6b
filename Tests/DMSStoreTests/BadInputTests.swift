@testable import DMSStore
import DMSProto
import DMSWire
import Foundation
import Testing

/// Every bad request is refused with the right code and a violation naming the field, and the
/// database is exactly as it was.
@Suite("Bad inputs")
struct BadInputTests {
    /// One bad request: what it does to a store that holds a connection, a source, a target and a job.
    struct Case: Sendable, CustomTestStringConvertible {
        let label: String
        let code: RPCError.Code
        /// The violation's field (a prefix is enough: "schema.port"); nil: no field (not INVALID_ARGUMENT).
        let field: String?
        let call: @Sendable (TestStore, Fixture) async throws -> Void
        var testDescription: String { label }
    }

    struct Fixture: Sendable {
        let connection: Dms_V1_Connection
        let file: Dms_V1_Connection
        /// A connection of namespace "other".
        let elsewhere: Dms_V1_Connection
        let source: OverlayRepository.Overlay
        let target: OverlayRepository.Overlay
        let job: Dms_V1_MigrationJob
    }

    static func connection(
        _ name: String = "pg-new", type: String = "postgres", version: Int32 = 0, schema: String, namespace: String = "default"
    ) -> Case.Call {
        { test, _ in
            var request = Dms_V1_CreateConnectionRequest()
            request.name = name
            request.type = type
            request.version = version
            request.schema = schema
            _ = try await test.store.connections.create(request, namespace: namespace)
        }
    }

    static let validSchema = #"{"host":"h","database":"d","user":"u","password":"p"}"#

    static func source(conf: String, connectionID: (@Sendable (Fixture) -> String)? = nil) -> Case.Call {
        { test, fixture in
            _ = try await test.store.sources.create(
                .init(name: "src-new", connectionID: connectionID?(fixture) ?? fixture.connection.id, conf: conf), namespace: "default", scope: .everything)
        }
    }

    static func target(conf: String) -> Case.Call {
        { test, fixture in
            _ = try await test.store.targets.create(.init(name: "tgt-new", connectionID: fixture.connection.id, conf: conf), namespace: "default", scope: .everything)
        }
    }

    static func job(_ change: @escaping @Sendable (inout Dms_V1_CreateMigrationJobRequest, Fixture) -> Void) -> Case.Call {
        { test, fixture in
            var request = Dms_V1_CreateMigrationJobRequest()
            request.name = "job-new"
            request.sourceID = fixture.source.id
            request.targetID = fixture.target.id
            change(&request, fixture)
            _ = try await test.store.jobs.create(request, namespace: "default", scope: .everything)
        }
    }

    static let cases: [Case] = [
        Case(label: "connection name empty", code: .invalidArgument, field: "name", call: connection("", schema: validSchema)),
        Case(label: "connection name with capitals and _", code: .invalidArgument, field: "name", call: connection("Bad_Name", schema: validSchema)),
        Case(label: "connection name of 64 characters", code: .invalidArgument, field: "name", call: connection(String(repeating: "a", count: 64), schema: validSchema)),
        Case(label: "connection name starting with a digit", code: .invalidArgument, field: "name", call: connection("1pg", schema: validSchema)),
        Case(label: "connection name ending with -", code: .invalidArgument, field: "name", call: connection("pg-", schema: validSchema)),
        Case(label: "connection name taken", code: .alreadyExists, field: nil, call: connection("pg-main", schema: validSchema)),
        Case(
            label: "connection name taken in another namespace", code: .alreadyExists, field: nil,
            call: connection("pg-main", schema: validSchema, namespace: "other")),
        Case(label: "connection renamed to a name taken in another namespace", code: .alreadyExists, field: nil) { test, fixture in
            var request = Dms_V1_UpdateConnectionRequest()
            request.expectedRevision = fixture.elsewhere.revision
            request.newName = "pg-main"
            _ = try await test.store.connections.update(request, key: .id(UUID(uuidString: fixture.elsewhere.id)!), scope: .everything)
        },
        Case(label: "connector type missing", code: .invalidArgument, field: "type", call: connection(type: "", schema: validSchema)),
        Case(label: "connector type unknown", code: .invalidArgument, field: "type", call: connection(type: "oracle", schema: validSchema)),
        Case(label: "spec version unknown", code: .invalidArgument, field: "version", call: connection(version: 9, schema: validSchema)),
        Case(label: "spec version negative", code: .invalidArgument, field: "version", call: connection(version: -1, schema: validSchema)),
        Case(label: "schema missing", code: .invalidArgument, field: "schema", call: connection(schema: "")),
        Case(label: "schema not JSON", code: .invalidArgument, field: "schema", call: connection(schema: "host=db")),
        Case(label: "schema not an object", code: .invalidArgument, field: "schema", call: connection(schema: "[1,2]")),
        Case(label: "schema missing a required field", code: .invalidArgument, field: "schema.host", call: connection(schema: #"{"database":"d","user":"u"}"#)),
        Case(label: "port as a string", code: .invalidArgument, field: "schema.port", call: connection(schema: #"{"host":"h","port":"5432","database":"d","user":"u"}"#)),
        Case(label: "port out of range", code: .invalidArgument, field: "schema.port", call: connection(schema: #"{"host":"h","port":70000,"database":"d","user":"u"}"#)),
        Case(label: "port not an integer", code: .invalidArgument, field: "schema.port", call: connection(schema: #"{"host":"h","port":5432.5,"database":"d","user":"u"}"#)),
        Case(label: "unknown field", code: .invalidArgument, field: "schema.colour", call: connection(schema: #"{"host":"h","database":"d","user":"u","colour":"red"}"#)),
        Case(label: "v1 sslmode out of its enum", code: .invalidArgument, field: "schema.sslmode", call: connection(version: 1, schema: #"{"host":"h","database":"d","user":"u","sslmode":"sometimes"}"#)),
        Case(label: "v2 field under v1", code: .invalidArgument, field: "schema.ssl_mode", call: connection(version: 1, schema: #"{"host":"h","database":"d","user":"u","ssl_mode":"require"}"#)),
        Case(label: "redacted placeholder as a new password", code: .invalidArgument, field: "schema.password", call: connection(schema: #"{"host":"h","database":"d","user":"u","password":"********"}"#)),
        Case(label: "password as a number", code: .invalidArgument, field: "schema.password", call: connection(schema: #"{"host":"h","database":"d","user":"u","password":12345}"#)),
        Case(label: "file format unknown", code: .invalidArgument, field: "schema.format", call: connection(type: "file", schema: #"{"format":"xml","path":"/data/x"}"#)),
        Case(label: "jdbc url without jdbc:", code: .invalidArgument, field: "schema.url", call: connection(type: "jdbc", schema: #"{"url":"postgres://h/d","driver_class":"org.postgresql.Driver"}"#)),
        Case(
            label: "connection in a namespace that does not exist", code: .failedPrecondition, field: nil,
            call: connection("pg-elsewhere", schema: validSchema, namespace: "nowhere")),
        Case(label: "source without connection", code: .invalidArgument, field: "connection_id", call: source(conf: #"{"table":"t"}"#, connectionID: { _ in "" })),
        Case(label: "source connection id not a UUID", code: .invalidArgument, field: "connection_id", call: source(conf: #"{"table":"t"}"#, connectionID: { _ in "pg-main" })),
        Case(label: "source connection id unknown", code: .notFound, field: nil, call: source(conf: #"{"table":"t"}"#, connectionID: { _ in UUID().uuidString })),
        Case(label: "source unknown override", code: .invalidArgument, field: "conf.colour", call: source(conf: #"{"table":"t","colour":"red"}"#)),
        Case(label: "source table and query together", code: .invalidArgument, field: "conf", call: source(conf: #"{"table":"t","query":"select 1"}"#)),
        Case(label: "source fetch_size zero", code: .invalidArgument, field: "conf.fetch_size", call: source(conf: #"{"table":"t","fetch_size":0}"#)),
        Case(label: "source overrides port with a string", code: .invalidArgument, field: "conf.port", call: source(conf: #"{"table":"t","port":"x"}"#)),
        Case(label: "source conf not an object", code: .invalidArgument, field: "conf", call: source(conf: #""t""#)),
        Case(label: "source overrides the password with a number", code: .invalidArgument, field: "conf.password", call: source(conf: #"{"table":"t","password":12345}"#)),
        Case(label: "target upsert without key_columns", code: .invalidArgument, field: "conf", call: target(conf: #"{"table":"t","mode":"upsert"}"#)),
        Case(label: "target mode unknown", code: .invalidArgument, field: "conf.mode", call: target(conf: #"{"table":"t","mode":"merge"}"#)),
        Case(label: "job schedule with four fields", code: .invalidArgument, field: "schedule", call: job { request, _ in request.schedule = "0 3 * *" }),
        Case(label: "job schedule macro unknown", code: .invalidArgument, field: "schedule", call: job { request, _ in request.schedule = "@sometimes" }),
        Case(label: "job time zone unknown", code: .invalidArgument, field: "time_zone", call: job { request, _ in request.timeZone = "Mars/Olympus" }),
        Case(label: "job options not an object", code: .invalidArgument, field: "options", call: job { request, _ in request.options = "[]" }),
        Case(label: "job options value out of enum", code: .invalidArgument, field: "options.validation", call: job { request, _ in request.options = #"{"validation":"maybe"}"# }),
        Case(label: "job spark conf key without spark.", code: .invalidArgument, field: "spark_conf", call: job { request, _ in request.sparkConf = ["executor.memory": "4g"] }),
        Case(label: "job max attempts negative", code: .invalidArgument, field: "max_attempts", call: job { request, _ in request.maxAttempts = -1 }),
        Case(label: "job source id names a target", code: .invalidArgument, field: "source_id", call: job { request, fixture in request.sourceID = fixture.target.id }),
        Case(label: "job name taken", code: .alreadyExists, field: nil, call: job { request, _ in request.name = "nightly" }),
        Case(label: "update without expected revision", code: .invalidArgument, field: "expected_revision") { test, fixture in
            var request = Dms_V1_UpdateConnectionRequest()
            request.schema = validSchema
            _ = try await test.store.connections.update(request, key: .id(UUID(uuidString: fixture.connection.id)!), scope: .everything)
        },
        Case(label: "update mask names an unknown field", code: .invalidArgument, field: "update_mask[0]") { test, fixture in
            var request = Dms_V1_UpdateConnectionRequest()
            request.expectedRevision = fixture.connection.revision
            request.updateMask = ["colour"]
            _ = try await test.store.connections.update(request, key: .id(UUID(uuidString: fixture.connection.id)!), scope: .everything)
        },
        Case(label: "update from a stale revision", code: .aborted, field: nil) { test, fixture in
            var request = Dms_V1_UpdateConnectionRequest()
            request.expectedRevision = fixture.connection.revision + 5
            request.newName = "pg-renamed"
            _ = try await test.store.connections.update(request, key: .id(UUID(uuidString: fixture.connection.id)!), scope: .everything)
        },
        Case(label: "update of a secret with the placeholder where none is stored", code: .invalidArgument, field: "conf.password") { test, fixture in
            _ = try await test.store.sources.update(
                key: .id(UUID(uuidString: fixture.source.id)!), expectedRevision: fixture.source.revision, mask: ["conf"], newName: "",
                connectionID: "", conf: #"{"table":"t","password":"********"}"#, scope: .everything)
        },
        Case(label: "delete of a connection in use", code: .failedPrecondition, field: nil) { test, fixture in
            try await test.store.connections.delete(key: .id(UUID(uuidString: fixture.connection.id)!), expectedRevision: 0, scope: .everything)
        },
        Case(label: "delete of a source in use", code: .failedPrecondition, field: nil) { test, fixture in
            try await test.store.sources.delete(key: .id(UUID(uuidString: fixture.source.id)!), expectedRevision: 0, scope: .everything)
        },
        Case(label: "list with a negative page size", code: .invalidArgument, field: "page_size") { test, _ in
            var request = Dms_V1_ListConnectionsRequest()
            request.pageSize = -1
            _ = try await test.store.connections.list(request, namespace: nil)
        },
        Case(label: "list with a forged page token", code: .invalidArgument, field: "page_token") { test, _ in
            var request = Dms_V1_ListConnectionsRequest()
            request.pageToken = "not-a-token!"
            _ = try await test.store.connections.list(request, namespace: nil)
        },
        Case(label: "token without a role", code: .invalidArgument, field: "role") { test, _ in
            var request = Dms_V1_CreateTokenRequest()
            request.name = "ci"
            _ = try await test.store.tokens.create(request, scope: .everything, callDefault: nil)
        },
        Case(label: "admin token bound to a namespace", code: .invalidArgument, field: "namespace") { test, _ in
            var request = Dms_V1_CreateTokenRequest()
            request.name = "ci"
            request.role = .admin
            request.namespace = "default"
            _ = try await test.store.tokens.create(request, scope: .everything, callDefault: nil)
        },
        Case(label: "id that is not a UUID", code: .invalidArgument, field: "id") { test, _ in
            _ = try await test.store.connections.get(try ResourceKey(id: "42", name: "", namespace: "", scope: .everything, callDefault: nil), scope: .everything)
        },
    ]

    @Test("there are at least 30 cases")
    func enoughCases() {
        #expect(Self.cases.count >= 30)
    }

    /// One store with the fixture for every case (each case is refused, so none changes it; the
    /// digest check would catch one that did). Shared to spare the machine 50 databases.
    static let shared = Task { () throws -> (TestStore, Fixture) in
        let test = try await TestStore.open()
        let connection = try await test.postgresConnection()
        var fileRequest = Dms_V1_CreateConnectionRequest()
        fileRequest.name = "landing"
        fileRequest.type = "file"
        fileRequest.schema = #"{"format":"parquet","path":"/data/landing"}"#
        let file = try await test.store.connections.create(fileRequest, namespace: "default")
        _ = try await test.store.namespaces.create(name: "other", description: "")
        let elsewhere = try await test.postgresConnection(name: "pg-other", namespace: "other")
        let source = try await test.source(connection: connection)
        let target = try await test.target(connection: connection)
        let job = try await test.job(source: source, target: target)
        return (test, Fixture(connection: connection, file: file, elsewhere: elsewhere, source: source, target: target, job: job))
    }

    @Test("the digest sees a write that keeps every row count and revision")
    func digestSeesAHalfWrite() async throws {
        let test = try await TestStore.open()
        let connection = try await test.postgresConnection()
        let before = try await test.digest()
        try await test.pool.withConnection { db in
            // What the old check (row counts, revision sums) could not see: one value, no revision bump.
            _ = try db.query("UPDATE connections SET schema = jsonb_set(schema, '{port}', '5433') WHERE id = $1", UUID(uuidString: connection.id)!)
        }
        let after = try await test.digest()
        #expect(after != before)
        #expect(after["connections"] != before["connections"])
        #expect(after.filter { $0.key != "connections" } == before.filter { $0.key != "connections" })
        #expect(Set(before.keys).isSuperset(of: ["namespaces", "connections", "sources", "targets", "migration_jobs", "tokens"]))
    }

    @Test("a bad request is refused with its code and field, and nothing is written", .serialized, arguments: cases)
    func refused(_ badCase: Case) async throws {
        let (test, fixture) = try await Self.shared.value
        let before = try await test.digest()

        let error = await #expect(throws: RPCError.self) { try await badCase.call(test, fixture) }
        #expect(error?.code == badCase.code, "\(error?.description ?? "")")
        if let field = badCase.field {
            #expect(error?.violations.contains { $0.field == field || $0.field.hasPrefix(field + ".") || $0.field.hasPrefix(field + "[") } == true,
                    "violations: \(error?.violations ?? [])")
        }
        #expect(error?.message.contains("s3cret") == false)
        #expect(try await test.digest() == before, "a refused request wrote to the store")
    }
}

extension BadInputTests.Case {
    typealias Call = @Sendable (TestStore, BadInputTests.Fixture) async throws -> Void
}
