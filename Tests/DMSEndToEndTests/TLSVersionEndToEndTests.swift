import DMSProto
import DMSTLS
import DMSTestSupport
import DMSWire
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Testing

@testable import DMSClient

/// The TLS versions a real dmsd speaks (PROTOCOL.md §2): 1.3 preferred, 1.2 the minimum. Each
/// client reports the version it negotiated, and a client capped below 1.2 is refused at the
/// handshake while a bystander keeps working.
@Suite struct TLSVersionEndToEndTests {
    @Test func dmsClientsOwnTLSSettingsNegotiateTLS13() async throws {
        try await DaemonProcess.with { daemon in
            // The context dmsctl and every DMSClient user get: minimum 1.2, no maximum.
            let context = try ClientTLS.makeContext(try daemon.clientConfiguration())
            let session = try await FrameSession.open(port: daemon.port, context: context)
            #expect(session.version == .tlsv13)
            #expect(session.handshakeEvent.contains("\"\(WireProtocol.alpn)\""), "\(session.handshakeEvent)")
            try await session.expectHealthServing()
            await session.close()
        }
    }

    @Test func clientCappedAtTLS12IsServedOverTLS12() async throws {
        try await DaemonProcess.with { daemon in
            let context = try FrameSession.context(caFile: daemon.caFile, minimum: .tlsv12, maximum: .tlsv12)
            let session = try await FrameSession.open(port: daemon.port, context: context)
            #expect(session.version == .tlsv12)
            try await session.expectHealthServing()
            await session.close()
        }
    }

    @Test func clientCappedAtTLS11IsRefusedAtTheHandshakeWhileAnotherClientKeepsWorking() async throws {
        let capped = { (caFile: String) in try FrameSession.context(caFile: caFile, minimum: .tlsv1, maximum: .tlsv11) }

        // Control: the capped client does speak TLS 1.1 to a server that allows it, so a refusal
        // by dmsd is dmsd's doing, not the client's.
        try await withTemporaryDirectory { directory in
            let authority = try CertificateAuthority(commonName: "TLS 1.1 control CA")
            let caFile = "\(directory)/ca.pem"
            try authority.certificatePEM.write(toFile: caFile, atomically: true, encoding: .utf8)
            let issued = try authority.issueServerCertificate(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
            var server = TLSConfiguration.makeServerConfiguration(
                certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(issued.certificatePEM.utf8), format: .pem))],
                privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(issued.privateKeyPEM.utf8), format: .pem)))
            server.minimumTLSVersion = .tlsv1
            try await Self.withListener(try NIOSSLContext(configuration: server)) { port in
                let session = try await FrameSession.open(port: port, context: try capped(caFile))
                #expect(session.version == .tlsv11, "the control server negotiated \(String(describing: session.version))")
                await session.close()
            }
        }

        try await DaemonProcess.with { daemon in
            try await withBystander(daemon) { _ in
                let refusal = await #expect(throws: (any Error).self) {
                    let session = try await FrameSession.open(port: daemon.port, context: try capped(daemon.caFile))
                    Issue.record("dmsd completed a handshake with a TLS 1.1 client: \(String(describing: session.version))")
                    await session.close()
                }
                // dmsd answers the ClientHello with a protocol_version alert.
                let text = refusal.map { String(describing: $0) } ?? "no error"
                #expect(text.uppercased().contains("PROTOCOL_VERSION") || text.uppercased().contains("UNSUPPORTED_PROTOCOL"), "\(text)")
            }
        }
    }

    /// Runs a TLS listener with `context` on 127.0.0.1:0 that only completes handshakes.
    private static func withListener<T>(_ context: NIOSSLContext, _ body: (Int) async throws -> T) async throws -> T {
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        defer { listener.close(promise: nil) }
        return try await body(listener.localAddress!.port!)
    }
}

extension FrameSession {
    /// Calls Health on this connection and expects END OK with a SERVING answer.
    func expectHealthServing(sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await send(.healthRequest(callID: 1))
        let end = try #require(try await readFrame(), "the connection closed before the answer", sourceLocation: sourceLocation)
        #expect(end.type == .end && end.callID == 1 && end.status.code == .ok, "\(end)", sourceLocation: sourceLocation)
        #expect(try Dms_V1_HealthResponse(serializedBytes: end.payload).status == .serving, sourceLocation: sourceLocation)
    }
}
