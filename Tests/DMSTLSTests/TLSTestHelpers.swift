import DMSTLS
import DMSTestSupport
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Answers every byte it reads with the same byte.
final class EchoHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(data, promise: nil)
    }
}

/// Real TLS handshakes over loopback TCP between a NIO server and client.
enum Handshake {
    struct EchoMismatch: Error {}

    /// Runs a TLS echo server with `context` on 127.0.0.1:0 for the duration of `body`.
    static func withEchoServer<T>(_ context: NIOSSLContext, _ body: (Int) async throws -> T) async throws -> T {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
                    try channel.pipeline.syncOperations.addHandler(EchoHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        do {
            let result = try await body(server.localAddress!.port!)
            try await server.close()
            return result
        } catch {
            try? await server.close()
            throw error
        }
    }

    /// Connects to 127.0.0.1:`port` trusting `caFile`, verifies the server as `serverHostname` (or by
    /// its IP address when nil), and checks that bytes echo back through the TLS session.
    static func ping(
        port: Int, caFile: String, serverHostname: String?, clientCertificate: (certificate: String, key: String)? = nil
    ) async throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.certificateVerification = .fullVerification
        tls.trustRoots = .file(caFile)
        tls.applicationProtocols = ["dms/1"]
        if let clientCertificate {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(clientCertificate.certificate).map { .certificate($0) }
            tls.privateKey = .file(clientCertificate.key)
        }
        let context = try NIOSSLContext(configuration: tls)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: context, serverHostname: serverHostname))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: "ping"))
            var received = ""
            for try await chunk in inbound {
                received += String(buffer: chunk)
                if received.utf8.count >= 4 { break }
            }
            guard received == "ping" else { throw EchoMismatch() }
        }
    }
}

/// Writes the PEM pair of `issued` into `directory` as `<name>.pem` and `<name>-key.pem`.
func writeIssued(_ issued: CertificateAuthority.Issued, named name: String, in directory: String) throws -> (certificate: String, key: String) {
    let certificate = "\(directory)/\(name).pem"
    let key = "\(directory)/\(name)-key.pem"
    try DevelopmentTLS.write(issued.certificatePEM, to: certificate, mode: 0o644)
    try DevelopmentTLS.write(issued.privateKeyPEM, to: key, mode: 0o600)
    return (certificate, key)
}

/// Writes the CA certificate into `directory` as `<name>.pem`.
func writeCA(_ authority: CertificateAuthority, named name: String, in directory: String) throws -> String {
    let path = "\(directory)/\(name).pem"
    try DevelopmentTLS.write(try authority.certificatePEM, to: path, mode: 0o644)
    return path
}
