import DMSTLS
import DMSTestSupport
import Foundation
import Testing

/// The certificates DMSTLS issues, loaded by `ServerTLS.makeContext`, in real handshakes on loopback.
@Suite(.timeLimit(.minutes(1)))
struct TLSHandshakeTests {
    /// A CA, its file, and a server certificate for localhost (and `ipAddresses`) written into `directory`.
    static func material(
        in directory: String, ipAddresses: [String] = ["127.0.0.1"]
    ) throws -> (authority: CertificateAuthority, caFile: String, files: ServerTLS.Files) {
        let authority = try CertificateAuthority(commonName: "handshake test CA")
        let caFile = try writeCA(authority, named: "ca", in: directory)
        let server = try writeIssued(
            try authority.issueServerCertificate(dnsNames: ["localhost"], ipAddresses: ipAddresses), named: "server", in: directory)
        return (authority, caFile, ServerTLS.Files(certificate: server.certificate, privateKey: server.key))
    }

    @Test(arguments: ["localhost", nil] as [String?])
    func clientTrustingTheCACompletesAHandshakeByNameOrAddress(serverHostname: String?) async throws {
        try await withTemporaryDirectory { directory in
            let (_, caFile, files) = try Self.material(in: directory)
            try await Handshake.withEchoServer(try ServerTLS.makeContext(files)) { port in
                try await Handshake.ping(port: port, caFile: caFile, serverHostname: serverHostname)
            }
        }
    }

    @Test func nameOrAddressTheCertificateDoesNotCarryFailsTheHandshake() async throws {
        // No IP SAN: NIOSSL accepts a certificate whose IP SAN matches the connected address even
        // when a different host name was asked for, so only a DNS-only certificate tests names.
        try await withTemporaryDirectory { directory in
            let (_, caFile, files) = try Self.material(in: directory, ipAddresses: [])
            try await Handshake.withEchoServer(try ServerTLS.makeContext(files)) { port in
                try await Handshake.ping(port: port, caFile: caFile, serverHostname: "localhost")
                await #expect(throws: (any Error).self, "wrong host name") {
                    try await Handshake.ping(port: port, caFile: caFile, serverHostname: "not-this-host.example")
                }
                await #expect(throws: (any Error).self, "127.0.0.1 is not in the certificate") {
                    try await Handshake.ping(port: port, caFile: caFile, serverHostname: nil)
                }
            }
        }
    }

    @Test func clientTrustingAnotherCAFailsTheHandshake() async throws {
        try await withTemporaryDirectory { directory in
            let (_, _, files) = try Self.material(in: directory)
            let otherCA = try writeCA(try CertificateAuthority(commonName: "other CA"), named: "other-ca", in: directory)
            try await Handshake.withEchoServer(try ServerTLS.makeContext(files)) { port in
                await #expect(throws: (any Error).self) {
                    try await Handshake.ping(port: port, caFile: otherCA, serverHostname: "localhost")
                }
            }
        }
    }

    @Test func serverWithAClientCAAcceptsOnlyClientsWithACertificateItSigned() async throws {
        try await withTemporaryDirectory { directory in
            var (authority, caFile, files) = try Self.material(in: directory)
            files.clientCA = caFile
            let alice = try writeIssued(try authority.issueClientCertificate(commonName: "alice"), named: "alice", in: directory)
            let mallory = try writeIssued(
                try CertificateAuthority(commonName: "other CA").issueClientCertificate(commonName: "mallory"), named: "mallory",
                in: directory)
            try await Handshake.withEchoServer(try ServerTLS.makeContext(files)) { port in
                try await Handshake.ping(port: port, caFile: caFile, serverHostname: "localhost", clientCertificate: alice)
                await #expect(throws: (any Error).self, "no client certificate") {
                    try await Handshake.ping(port: port, caFile: caFile, serverHostname: "localhost")
                }
                await #expect(throws: (any Error).self, "client certificate from another CA") {
                    try await Handshake.ping(port: port, caFile: caFile, serverHostname: "localhost", clientCertificate: mallory)
                }
            }
        }
    }

    @Test func developmentMaterialServesLocalhostAnd127001() async throws {
        try await withTemporaryDirectory { directory in
            let files = try DevelopmentTLS.ensure(in: "\(directory)/tls", logger: .init(label: "dms.test"))
            let caFile = DevelopmentTLS.caFile(in: "\(directory)/tls")
            try await Handshake.withEchoServer(try ServerTLS.makeContext(files)) { port in
                try await Handshake.ping(port: port, caFile: caFile, serverHostname: "localhost")
                try await Handshake.ping(port: port, caFile: caFile, serverHostname: nil)
            }
        }
    }
}
