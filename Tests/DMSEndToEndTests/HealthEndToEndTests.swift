import DMSAPI
import DMSClient
import DMSProto
import DMSTestSupport
import DMSWire
import Foundation
import Testing

/// Health and WatchHealth against a real dmsd process, through the Swift client.
@Suite struct HealthEndToEndTests {
    @Test func healthAnswersWithoutTokenAndReportsServing() async throws {
        try await DaemonProcess.with { daemon in
            let response = try await RPCClient.withConnection(try daemon.clientConfiguration(token: .some(nil))) { client in
                try await client.unary(API.HealthService.health, Dms_V1_HealthRequest())
            }
            #expect(response.status == .serving)
            #expect(response.protocol == "dms.v1")
            #expect(response.version == "0.1.0")
            #expect(response.activeCalls == 1)
            #expect(response.connections == 1)
        }
    }

    @Test func watchHealthStreamsNumberedItemsThenEndsOK() async throws {
        try await DaemonProcess.with { daemon in
            let sequences = try await RPCClient.withConnection(try daemon.clientConfiguration()) { client in
                var request = Dms_V1_WatchHealthRequest()
                request.intervalMs = 10
                request.maxItems = 5
                var seen: [UInt64] = []
                for try await item in try client.serverStreaming(API.HealthService.watchHealth, request) {
                    seen.append(item.sequence)
                }
                return seen
            }
            #expect(sequences == [1, 2, 3, 4, 5])
        }
    }

    @Test func watchHealthRefusesATooShortIntervalNamingTheField() async throws {
        try await DaemonProcess.with { daemon in
            let error = await #expect(throws: RPCError.self) {
                try await RPCClient.withConnection(try daemon.clientConfiguration()) { client in
                    var request = Dms_V1_WatchHealthRequest()
                    request.intervalMs = 5
                    for try await _ in try client.serverStreaming(API.HealthService.watchHealth, request) {}
                }
            }
            #expect(error?.code == .invalidArgument)
            #expect(error?.violations.map(\.field) == ["interval_ms"])
        }
    }

    @Test func everyMethodButHealthNeedsAToken() async throws {
        try await DaemonProcess.with { daemon in
            try await RPCClient.withConnection(try daemon.clientConfiguration(token: .some(nil))) { client in
                let missing = await #expect(throws: RPCError.self) {
                    for try await _ in try client.serverStreaming(API.HealthService.watchHealth, Dms_V1_WatchHealthRequest()) {}
                }
                #expect(missing?.code == .unauthenticated)
            }
            let forged = "dms_" + String(repeating: "A", count: 43)
            try await RPCClient.withConnection(try daemon.clientConfiguration(token: .some(forged))) { client in
                let invalid = await #expect(throws: RPCError.self) {
                    for try await _ in try client.serverStreaming(API.HealthService.watchHealth, Dms_V1_WatchHealthRequest()) {}
                }
                #expect(invalid?.code == .unauthenticated)
                #expect(invalid?.message == "invalid token")
            }
        }
    }

    @Test func firstStartMakesDevelopmentTLSAndATokenThatIsNeverLogged() async throws {
        try await DaemonProcess.with { daemon in
            let token = try daemon.adminToken
            #expect(token.hasPrefix("dms_") && token.count == 47)
            _ = try await RPCClient.withConnection(try daemon.clientConfiguration()) { client in
                try await client.unary(API.HealthService.health, Dms_V1_HealthRequest())
            }
            let log = daemon.log
            #expect(log.contains("generated a development CA"))
            #expect(log.contains("bootstrap admin token"))
            #expect(!log.contains(token))
            #expect(!log.contains(String(token.dropFirst(4).prefix(12))))
            let attributes = try FileManager.default.attributesOfItem(atPath: daemon.clientConfigFile)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            let keyAttributes = try FileManager.default.attributesOfItem(atPath: "\(daemon.root)/data/tls/server-key.pem")
            #expect((keyAttributes[.posixPermissions] as? Int) == 0o600)
            let files = FileManager.default.enumerator(atPath: "\(daemon.root)/data")?.allObjects as? [String] ?? []
            for file in files {
                let contents = (try? String(contentsOfFile: "\(daemon.root)/data/\(file)", encoding: .utf8)) ?? ""
                #expect(!contents.contains(token), "\(file) holds the token")
            }
        }
    }

    @Test func restartKeepsTheTokenAndCertificateAndUpdatesTheContext() async throws {
        try await withTemporaryDirectory { root in
            let first = try await DaemonProcess(root: root)
            let token = try first.adminToken
            let ca = try String(contentsOfFile: first.caFile, encoding: .utf8)
            #expect(await first.stop() == 0)
            let second = try await DaemonProcess(root: root, database: .url(try #require(first.databaseURL)))
            defer { if second.process.isRunning { Foundation.kill(second.process.processIdentifier, SIGKILL) } }
            #expect(try second.adminToken == token)
            #expect(try String(contentsOfFile: second.caFile, encoding: .utf8) == ca)
            let response = try await RPCClient.withConnection(try second.clientConfiguration()) { client in
                var request = Dms_V1_WatchHealthRequest()
                request.maxItems = 1
                request.intervalMs = 10
                var items = 0
                for try await _ in try client.serverStreaming(API.HealthService.watchHealth, request) { items += 1 }
                return items
            }
            #expect(response == 1)
            #expect(!second.log.contains("created the bootstrap admin token"))
            #expect(await second.stop() == 0)
        }
    }

    @Test func aKilledServerEndsOpenCallsWithUnavailable() async throws {
        try await withTemporaryDirectory { root in
            let daemon = try await DaemonProcess(root: root)
            let error = await #expect(throws: RPCError.self) {
                try await RPCClient.withConnection(try daemon.clientConfiguration()) { client in
                    var request = Dms_V1_WatchHealthRequest()
                    request.intervalMs = 10
                    var items = 0
                    for try await _ in try client.serverStreaming(API.HealthService.watchHealth, request) {
                        items += 1
                        if items == 3 { await daemon.stop(signal: SIGKILL) }
                    }
                }
            }
            #expect(error?.code == .unavailable, "\(String(describing: error))")
            await daemon.stop(signal: SIGKILL)
        }
    }
}
