import DMSAPI
import DMSClient
import DMSPostgres
import DMSProto
import DMSTestSupport
import DMSWire
import Foundation
import Testing

/// TestConnection against real stores through a real dmsd: PostgreSQL through libpq (the shared
/// test cluster, with a password-checked role added to its pg_hba.conf), SQLite and MySQL through
/// the job program's probe (a refused port: no MariaDB is started here; the probe's MariaDB cases
/// are in the pytest suite). A canary password must appear in no answer, log or dmsctl output.
@Suite(.serialized)
struct ConnectionTestEndToEndTests {
    static let canary = "canary-test-conn-\(UUID().uuidString.prefix(8))"

    @Test func answersWhetherAndWhyWithinSecondsAndNeverWithTheSecret() async throws {
        let database = try TestPostgres.makeDatabase(prefix: "tc")
        let url = try #require(URLComponents(string: database))
        let (host, port, name, user) = (url.host!, url.port!, String(url.path.dropFirst()), url.user!)
        let checkedRole = try Self.makePasswordCheckedRole(database: database)
        let closed = try FreePort.find()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dms-tc-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: scratch) }
        let sqlitePath = "\(scratch)/app.db"
        _ = try await runProcess("/usr/bin/env", ["python3", "-c", "import sqlite3; sqlite3.connect('\(sqlitePath)').execute('CREATE TABLE t (id int)')"])

        try await RunTestDaemon.with(mode: "submit") { dmsd, client in
            var answers = [Dms_V1_TestConnectionResponse]()
            func test(_ name: String, _ type: String, _ schema: [String: Any]) async throws -> Dms_V1_TestConnectionResponse {
                var create = Dms_V1_CreateConnectionRequest()
                create.name = name
                create.type = type
                create.schema = try RunTestDaemon.json(schema)
                _ = try await client.unary(API.ConnectionService.createConnection, create)
                let started = ContinuousClock.now
                let answer = try await client.unary(API.ConnectionService.testConnection, .with { $0.name = name })
                #expect(ContinuousClock.now - started < .seconds(15), "\(name) took too long")
                answers.append(answer)
                return answer
            }
            let postgres: [String: Any] = ["host": host, "port": port, "database": name, "user": user, "password": Self.canary]

            let reached = try await test("pg-ok", "postgres", postgres)
            #expect(reached.ok, "\(reached.message)")
            #expect(reached.serverVersion.hasPrefix("PostgreSQL 1"), "\(reached.serverVersion)")
            #expect(reached.latencyMs > 0 && reached.message.contains("\(host):\(port)"), "\(reached)")

            let refused = try await test("pg-refused", "postgres", postgres.merging(["port": closed]) { $1 })
            #expect(!refused.ok && refused.message == "connection refused by \(host):\(closed)", "\(refused.message)")

            let unknownRole = try await test("pg-no-role", "postgres", postgres.merging(["user": "nobody_here"]) { $1 })
            #expect(!unknownRole.ok && unknownRole.message.contains(#"role "nobody_here" does not exist"#), "\(unknownRole.message)")

            if let checkedRole {
                let wrong = try await test("pg-wrong-password", "postgres", postgres.merging(["user": checkedRole]) { $1 })
                #expect(!wrong.ok && wrong.message == "authentication failed for user \"\(checkedRole)\" at \(host):\(port)", "\(wrong.message)")
            }

            let sqlite = try await test("lite-ok", "sqlite", ["path": sqlitePath])
            #expect(sqlite.ok && sqlite.serverVersion.hasPrefix("SQLite 3"), "\(sqlite)")
            let missing = try await test("lite-missing", "sqlite", ["path": "\(scratch)/none.db"])
            #expect(!missing.ok && missing.message.hasPrefix("\(scratch)/none.db does not exist"), "\(missing.message)")

            let mysql = try await test("my-refused", "mysql", ["host": "127.0.0.1", "port": closed, "user": "app", "password": Self.canary])
            #expect(!mysql.ok && mysql.message == "connection refused by 127.0.0.1:\(closed)", "\(mysql.message)")

            // Bad input is an error of the call, not a failed test.
            let unknown = await #expect(throws: RPCError.self) {
                try await client.unary(API.ConnectionService.testConnection, .with { $0.name = "no-such-connection" })
            }
            #expect(unknown?.code == .notFound)

            // dmsctl: the outcome, and exit 0 when reached, 7 when not.
            let ok = try await runProcess(Binaries.path("dmsctl"), ["connection", "test", "pg-ok", "--config", dmsd.clientConfigFile])
            #expect(ok.status == 0 && ok.stdout.contains("PostgreSQL"), "\(ok.stdout)\(ok.stderr)")
            let failed = try await runProcess(
                Binaries.path("dmsctl"), ["connection", "test", "pg-refused", "-o", "json", "--config", dmsd.clientConfigFile])
            #expect(failed.status == 7 && failed.stdout.contains("connection refused by"), "\(failed.stdout)\(failed.stderr)")

            let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: "\(dmsd.root)/data/engine/probes")) ?? []
            #expect(leftovers.isEmpty, "probe spec files left behind: \(leftovers)")
            for text in answers.map(\.message) + answers.map(\.serverVersion) + [ok.stdout, ok.stderr, failed.stdout, failed.stderr, dmsd.log] {
                #expect(!text.contains(Self.canary), "the password leaked: \(text)")
            }
        }
    }

    /// A role whose logins from 127.0.0.1 are checked against its password (a scram-sha-256 line
    /// ahead of the cluster's trust lines), so a wrong password is refused. Nil when the tests use
    /// a server they did not start (`DMS_TEST_DATABASE_URL`): its pg_hba.conf is not theirs.
    static func makePasswordCheckedRole(database: String) throws -> String? {
        guard let directory = try TestPostgres.shared().directory else { return nil }
        let role = "tc_\(UUID().uuidString.prefix(8).lowercased())"
        let hba = "\(directory)/data/pg_hba.conf"
        let rules = try String(contentsOfFile: hba, encoding: .utf8)
        try ("host all \(role) 127.0.0.1/32 scram-sha-256\n" + rules).write(toFile: hba, atomically: true, encoding: .utf8)
        let admin = try PostgresConnection(conninfo: database)
        try admin.execute(script: "CREATE ROLE \(role) LOGIN PASSWORD 'right-\(UUID().uuidString)'; SELECT pg_reload_conf()")
        // The reload is asynchronous: wait until the new rule refuses a wrong password.
        let url = try #require(URLComponents(string: database))
        for _ in 0..<100 {
            do {
                _ = try PostgresConnection(parameters: [
                    ("host", url.host!), ("port", String(url.port!)), ("dbname", String(url.path.dropFirst())), ("user", role),
                    ("password", "wrong"),
                ])
            } catch {
                return role
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw TestSupportError("pg_hba.conf reload did not take effect")
    }
}
