import DMSTLS
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import Synchronization

/// A stand-in for a broken or stuck dmsd: it accepts TCP connections (and completes TLS when given
/// material) and then never says anything. For proving the client's own timeouts.
final class SilentServer: Sendable {
    /// The port it listens on, on 127.0.0.1.
    let port: Int
    private let listener: any Channel
    private let accepted: AcceptedChannels

    private final class AcceptedChannels: Sendable {
        let channels = Mutex<[any Channel]>([])
    }

    private init(listener: any Channel, accepted: AcceptedChannels) throws {
        self.listener = listener
        self.accepted = accepted
        guard let port = listener.localAddress?.port else { throw RawConnectionError("the silent server has no port") }
        self.port = port
    }

    /// Starts listening; with `tls`, accepted connections complete a TLS handshake with it.
    static func start(tls: NIOSSLContext? = nil) async throws -> SilentServer {
        let accepted = AcceptedChannels()
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                accepted.channels.withLock { $0.append(channel) }
                return channel.eventLoop.makeCompletedFuture {
                    if let tls { try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls)) }
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        return try SilentServer(listener: listener, accepted: accepted)
    }

    /// A TLS server context for `localhost`/`127.0.0.1` from a new CA; returns it and the CA's PEM.
    static func makeTLS() throws -> (context: NIOSSLContext, caPEM: String) {
        let authority = try CertificateAuthority(commonName: "Silent server CA")
        let issued = try authority.issueServerCertificate(dnsNames: ["localhost"], ipAddresses: ["127.0.0.1"])
        let certificate = try NIOSSLCertificate(bytes: Array(issued.certificatePEM.utf8), format: .pem)
        let key = try NIOSSLPrivateKey(bytes: Array(issued.privateKeyPEM.utf8), format: .pem)
        let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: [.certificate(certificate)], privateKey: .privateKey(key))
        return (try NIOSSLContext(configuration: configuration), try authority.certificatePEM)
    }

    /// Closes every accepted connection (so a client stuck on one is released).
    func closeAcceptedConnections() {
        for channel in accepted.channels.withLock({ $0 }) { channel.close(promise: nil) }
    }

    /// Stops listening and closes every accepted connection.
    func stop() async {
        closeAcceptedConnections()
        try? await listener.close()
    }
}
