import DMSAPI
import DMSClient
import DMSProto
import DMSTestSupport
import Foundation
import Testing

@Suite("dmsd's metadata database settings")
struct DatabaseSettingsTests {
    @Test("a keyword conninfo with PG* variables reaches the server, as in every libpq program")
    func libpqEnvironment() async throws {
        let url = try TestPostgres.makeDatabase()
        let parts = try #require(URLComponents(string: url))
        let environment = [
            "PGHOST": try #require(parts.host), "PGPORT": String(try #require(parts.port)), "PGUSER": try #require(parts.user),
        ]
        try await DaemonProcess.with(environment: environment, database: .url("dbname=\(parts.path.dropFirst())")) { daemon in
            let namespace = try await RPCClient.withConnection(try daemon.clientConfiguration()) { client in
                var request = Dms_V1_GetNamespaceRequest()
                request.name = "default"
                return try await client.unary(API.NamespaceService.getNamespace, request)
            }
            #expect(namespace.name == "default")
        }
    }

    @Test("an unreachable database stops dmsd at start with a clear message and no password")
    func unreachable() async throws {
        try await withTemporaryDirectory { root in
            let port = try FreePort.find()
            let result = try await runProcess(
                Binaries.path("dmsd"),
                [
                    "--listen", "127.0.0.1:0", "--data-dir", "\(root)/data", "--client-config", "none",
                    "--database-url", "postgresql://dms@127.0.0.1:\(port)/dms?connect_timeout=2",
                ],
                environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DMS_") }.merging(["PGPASSWORD": "canary-pg-password"]) { $1 })
            #expect(result.status == 1)
            #expect(result.stderr.contains("cannot reach the metadata database"))
            #expect(!result.stderr.contains("canary-pg-password"))
        }
    }
}
