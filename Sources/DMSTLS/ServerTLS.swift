import Foundation
import NIOSSL

/// The server side of DMS's TLS settings.
public enum ServerTLS {
    /// Paths of the PEM files a server needs.
    public struct Files: Sendable, Equatable {
        /// The server certificate (chain), PEM.
        public var certificate: String
        /// Its private key, PEM.
        public var privateKey: String
        /// When set, clients must present a certificate signed by this CA (mTLS).
        public var clientCA: String?

        /// Creates the set of paths.
        public init(certificate: String, privateKey: String, clientCA: String? = nil) {
            self.certificate = certificate
            self.privateKey = privateKey
            self.clientCA = clientCA
        }
    }

    /// A TLS context: TLS 1.2 minimum (1.3 preferred), ALPN `dms/1`, optional client verification.
    public static func makeContext(_ files: Files, alpn: String = "dms/1") throws -> NIOSSLContext {
        do {
            let chain = try NIOSSLCertificate.fromPEMFile(files.certificate).map { NIOSSLCertificateSource.certificate($0) }
            let key = try NIOSSLPrivateKey(file: files.privateKey, format: .pem)
            var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
            tls.minimumTLSVersion = .tlsv12
            tls.applicationProtocols = [alpn]
            if let clientCA = files.clientCA {
                tls.certificateVerification = .noHostnameVerification
                tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(clientCA))
            }
            return try NIOSSLContext(configuration: tls)
        } catch let error as CertificateError {
            throw error
        } catch {
            throw CertificateError(
                "cannot load TLS material (certificate \(files.certificate), key \(files.privateKey)"
                    + (files.clientCA.map { ", client CA \($0)" } ?? "") + "): \(error)")
        }
    }
}
