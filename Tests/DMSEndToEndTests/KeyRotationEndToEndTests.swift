import DMSAPI
import DMSClient
import DMSProto
import DMSTestSupport
import DMSWire
import Foundation
import Testing

@Suite("dmsd rotate-key")
struct KeyRotationEndToEndTests {
    @Test("rotate-key re-seals the secrets; dmsd restarted on the new key still keeps them")
    func rotation() async throws {
        try await withTemporaryDirectory { root in
            let first = try await DaemonProcess(root: root)
            let url = try #require(first.databaseURL)
            let connection = try await RPCClient.withConnection(try first.clientConfiguration()) { client in
                var request = Dms_V1_CreateConnectionRequest()
                request.name = "pg-rotated"
                request.type = "postgres"
                request.schema = #"{"host":"h","database":"d","user":"u","password":"before-rotation"}"#
                return try await client.unary(API.ConnectionService.createConnection, request)
            }
            #expect(await first.stop() == 0)
            let keyFile = "\(root)/data/master.key"
            let oldKey = try String(contentsOfFile: keyFile, encoding: .utf8)

            let rotation = try await runProcess(
                Binaries.path("dmsd"), ["rotate-key", "--data-dir", "\(root)/data", "--database-url", url, "--client-config", "none"],
                environment: ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("DMS_") })
            #expect(rotation.status == 0, "\(rotation.stderr)")
            // Its connection's password, and the run's canary every test dmsd is given (DMSTestSupport/Canary.swift).
            #expect(rotation.stdout.contains("re-sealed 2 secret values"))
            let newKey = try String(contentsOfFile: keyFile, encoding: .utf8)
            #expect(newKey != oldKey)
            #expect(newKey.split(separator: "\n").count == 1)
            #expect((try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int) == 0o600)
            #expect(!rotation.stdout.contains(newKey.trimmingCharacters(in: .whitespacesAndNewlines)))

            // The placeholder update needs the stored secret to open under the new key.
            let second = try await DaemonProcess(root: root, database: .url(url))
            let renamed = try await RPCClient.withConnection(try second.clientConfiguration()) { client in
                var request = Dms_V1_UpdateConnectionRequest()
                request.id = connection.id
                request.expectedRevision = connection.revision
                request.newName = "pg-renamed"
                request.schema = #"{"host":"h2","database":"d","user":"u","password":"********"}"#
                return try await client.unary(API.ConnectionService.updateConnection, request)
            }
            #expect(renamed.name == "pg-renamed")
            #expect(renamed.schema.contains(#""password":"********""#))
            #expect(await second.stop() == 0)

            // With the old key only, dmsd can no longer open it.
            try oldKey.write(toFile: keyFile, atomically: true, encoding: .utf8)
            chmod(keyFile, 0o600)
            let third = try await DaemonProcess(root: root, database: .url(url))
            let error = await #expect(throws: RPCError.self) {
                try await RPCClient.withConnection(try third.clientConfiguration()) { client in
                    var request = Dms_V1_UpdateConnectionRequest()
                    request.id = connection.id
                    request.expectedRevision = renamed.revision
                    request.schema = #"{"host":"h3","database":"d","user":"u","password":"********"}"#
                    return try await client.unary(API.ConnectionService.updateConnection, request)
                }
            }
            #expect(error?.code == .internal)
            #expect(error?.message.contains("before-rotation") == false)
            #expect(await third.stop() == 0)
        }
    }
}
