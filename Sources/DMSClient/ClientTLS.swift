import DMSWire
import NIOSSL

/// The client side of DMS's TLS settings: TLS 1.2 or newer, the server verified against a CA.
enum ClientTLS {
    static func makeContext(_ configuration: RPCClient.Configuration) throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.applicationProtocols = [WireProtocol.alpn]
        tls.certificateVerification = .fullVerification
        if let caFile = configuration.caFile {
            tls.trustRoots = .file(caFile)
        }
        if let certificate = configuration.clientCertificateFile, let key = configuration.clientKeyFile {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) }
            tls.privateKey = .file(key)
        }
        return try NIOSSLContext(configuration: tls)
    }

    /// The name for SNI and verification; IP literals are verified against the address instead.
    static func serverHostname(_ configuration: RPCClient.Configuration) -> String? {
        let name = configuration.serverName ?? configuration.host
        let isIPLiteral = name.contains(":") || name.allSatisfy { $0.isNumber || $0 == "." }
        return isIPLiteral ? nil : name
    }
}
