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

    @Test func methodsNotBuiltYetAnswerUnimplemented() async throws {
        try await DaemonProcess.with { daemon in
            let error = await #expect(throws: RPCError.self) {
                try await RPCClient.withConnection(try daemon.clientConfiguration()) { client in
                    try await client.unary(API.ConnectionService.createConnection, Dms_V1_CreateConnectionRequest())
                }
            }
            #expect(error?.code == .unimplemented)
            #expect(error?.message.contains("not implemented yet") == true)
        }
    }
}
