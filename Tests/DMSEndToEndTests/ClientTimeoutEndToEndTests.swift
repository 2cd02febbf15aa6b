import DMSAPI
import DMSClient
import DMSProto
import DMSTestSupport
import DMSWire
import Foundation
import Testing

/// The Swift client's own time limits, against a real dmsd and against a server that accepts and
/// then says nothing (so only the client can end the wait). Each silent server is released after
/// 20 s at the latest, so a client that does not keep its limit fails the test instead of hanging it.
/// (20 s, not less: on 2 cores busy with the whole suite, connecting alone has taken seconds, and a
/// release before the client's timer fires would fail a client that kept its limit.)
@Suite struct ClientTimeoutEndToEndTests {
    @Test func subSecondConnectTimeoutStillConnects() async throws {
        try await DaemonProcess.with { daemon in
            var configuration = try daemon.clientConfiguration()
            configuration.connectTimeout = .milliseconds(500)
            // A timeout truncated to 0 s would fail every attempt; on a 2-core machine busy with the
            // rest of the suite one handshake may take longer than 500 ms, so a few attempts are allowed.
            var lastError: (any Error)?
            for _ in 0..<5 {
                do {
                    let response = try await RPCClient.withConnection(configuration) { client in
                        try await client.unary(API.HealthService.health, Dms_V1_HealthRequest())
                    }
                    #expect(response.status == .serving)
                    return
                } catch {
                    lastError = error
                }
            }
            Issue.record("no attempt connected within 500 ms: \(String(describing: lastError))")
        }
    }

    @Test func connectTimeoutCoversATLSHandshakeThatNeverCompletes() async throws {
        try await withTemporaryDirectory { directory in
            let (_, caPEM) = try SilentServer.makeTLS()
            try writeFile(caPEM, to: "\(directory)/ca.pem")
            let server = try await SilentServer.start()  // plain TCP: never answers the ClientHello
            let release = Task {
                try await Task.sleep(for: .seconds(20))
                server.closeAcceptedConnections()
            }
            let configuration = RPCClient.Configuration(
                host: "127.0.0.1", port: server.port, caFile: "\(directory)/ca.pem", connectTimeout: .seconds(1))
            let error = await #expect(throws: RPCError.self) {
                try await RPCClient.withConnection(configuration) { _ in }
            }
            release.cancel()
            await server.stop()
            #expect(error?.code == .unavailable)
            // Had the client waited for the server to hang up (after 20 s), the reason would be
            // the closed connection; the client's own timeout says it had no answer.
            #expect(error?.message.contains("no answer within 1000 ms") == true, "\(String(describing: error))")
        }
    }

    @Test func unaryDeadlineIsKeptByTheClientWhenTheServerNeverAnswers() async throws {
        try await withSilentTLSServer { server, configuration in
            try await RPCClient.withConnection(configuration) { client in
                let error = await #expect(throws: RPCError.self) {
                    try await client.unary(
                        API.HealthService.health, Dms_V1_HealthRequest(), options: .init(timeout: .milliseconds(300)))
                }
                // The server never answers, so only the client's own timer can end the call.
                #expect(error?.code == .deadlineExceeded, "\(String(describing: error))")
            }
        }
    }

    @Test func streamDeadlineIsKeptByTheClientWhenTheServerNeverAnswers() async throws {
        try await withSilentTLSServer { server, configuration in
            try await RPCClient.withConnection(configuration) { client in
                var request = Dms_V1_WatchHealthRequest()
                request.intervalMs = 100
                let call = try client.serverStreaming(
                    API.HealthService.watchHealth, request, options: .init(timeout: .milliseconds(300)))
                var iterator = call.makeAsyncIterator()
                let (_, error) = await collect(&iterator)
                #expect((error as? RPCError)?.code == .deadlineExceeded, "ended with \(String(describing: error))")
            }
        }
    }

    /// Runs `body` with a TLS server that completes handshakes and then never sends a frame, and a
    /// client configuration for it. The server drops its connections after 20 s at the latest.
    private func withSilentTLSServer(
        _ body: (SilentServer, RPCClient.Configuration) async throws -> Void
    ) async throws {
        try await withTemporaryDirectory { directory in
            let (tls, caPEM) = try SilentServer.makeTLS()
            try writeFile(caPEM, to: "\(directory)/ca.pem")
            let server = try await SilentServer.start(tls: tls)
            let release = Task {
                try await Task.sleep(for: .seconds(20))
                server.closeAcceptedConnections()
            }
            defer { release.cancel() }
            let configuration = RPCClient.Configuration(host: "127.0.0.1", port: server.port, caFile: "\(directory)/ca.pem")
            do {
                try await body(server, configuration)
            } catch {
                await server.stop()
                throw error
            }
            await server.stop()
        }
    }
}
