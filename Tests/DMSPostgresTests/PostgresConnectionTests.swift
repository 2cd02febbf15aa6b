import DMSPostgres
import DMSTestSupport
import DMSWire
import Foundation
import Testing

@Suite("PostgresConnection")
struct PostgresConnectionTests {
    @Test("parameters travel as bound values, never as SQL text")
    func parametersAreBound() throws {
        let connection = try PostgresConnection(conninfo: try TestPostgres.makeDatabase())
        let hostile = "x'); DROP TABLE t; --"
        try connection.execute(script: "CREATE TABLE t (name text, n int8, flag boolean, blob bytea)")
        try connection.query("INSERT INTO t VALUES ($1, $2, $3, $4)", hostile, Int64.max, true, Data([0, 1, 0xFE, 0xFF]))
        try connection.query("INSERT INTO t VALUES ($1, $2, $3, $4)", String?.none, Int64.min, false, Data?.none)
        let rows = Array(try connection.query("SELECT name, n, flag, blob FROM t ORDER BY n DESC"))
        #expect(rows.count == 2)
        #expect(try rows[0].text("name") == hostile)
        #expect(try rows[0].int64("n") == Int64.max)
        #expect(try rows[0].bool("flag"))
        #expect(try rows[0].bytes("blob") == Data([0, 1, 0xFE, 0xFF]))
        #expect(try rows[1].text("name") == nil)
        #expect(try rows[1].int64("n") == Int64.min)
        #expect(try rows[1].bytes("blob") == nil)
        #expect(throws: PostgresError.self) { try rows[1].string("name") }
        #expect(throws: PostgresError.self) { try rows[1].text("no_such_column") }
    }

    @Test("multi-byte text round-trips")
    func unicodeRoundTrips() throws {
        let connection = try PostgresConnection(conninfo: try TestPostgres.makeDatabase())
        let text = "Zürich — 東京 — 🚀"
        #expect(try connection.query("SELECT $1::text AS v", text).first?.string("v") == text)
    }

    @Test("constraint violations carry SQLSTATE, constraint and detail, and map to wire codes")
    func integrityErrors() throws {
        let connection = try PostgresConnection(conninfo: try TestPostgres.makeDatabase())
        try connection.execute(
            script: """
                CREATE TABLE parent (id int PRIMARY KEY, name text CONSTRAINT parent_name_key UNIQUE);
                CREATE TABLE child (id int PRIMARY KEY, parent_id int CONSTRAINT child_parent_fk REFERENCES parent(id));
                INSERT INTO parent VALUES (1, 'a');
                INSERT INTO child VALUES (1, 1);
                """)
        let unique = #expect(throws: PostgresError.self) { try connection.query("INSERT INTO parent VALUES ($1, $2)", 2, "a") }
        #expect(unique?.code == .uniqueViolation)
        #expect(unique?.constraint == "parent_name_key")
        #expect(unique?.detail?.contains("(name)=(a)") == true)
        #expect(unique?.rpcError.code == .alreadyExists)
        let foreign = #expect(throws: PostgresError.self) { try connection.query("DELETE FROM parent WHERE id = $1", 1) }
        #expect(foreign?.code == .foreignKeyViolation)
        #expect(foreign?.constraint == "child_parent_fk")
        #expect(foreign?.rpcError.code == .failedPrecondition)
        let syntax = #expect(throws: PostgresError.self) { try connection.query("SELEKT 1") }
        #expect(syntax?.code == PostgresError.Code("42601"))
        #expect(syntax?.rpcError.code == .internal)
        #expect(syntax?.rpcError.message.contains("SELEKT") == false)
    }

    @Test("a server that cannot be reached fails with a connection error that names no password")
    func unreachableServer() throws {
        let port = try FreePort.find()
        let error = #expect(throws: PostgresError.self) {
            try PostgresConnection(conninfo: "postgresql://dms:canary-secret-1@127.0.0.1:\(port)/x", connectTimeoutSeconds: 2)
        }
        #expect(error?.code == .connectionFailure)
        #expect(error?.rpcError.code == .unavailable)
        #expect(error?.message.contains("canary-secret-1") == false)
    }

    @Test("keyword/value conninfo works as well as URIs")
    func keywordConninfo() throws {
        let url = try TestPostgres.makeDatabase()
        let components = URLComponents(string: url)!
        let conninfo = "host=\(components.host!) port=\(components.port!) user=\(components.user!) dbname=\(components.path.dropFirst())"
        let connection = try PostgresConnection(conninfo: conninfo)
        #expect(try connection.query("SELECT current_database() AS d").first?.string("d") == String(components.path.dropFirst()))
        #expect(connection.serverVersion >= 130000)
    }
}
