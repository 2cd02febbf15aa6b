import DMSAPI
import DMSClient
import DMSProto
import DMSTLS
import DMSTestSupport
import DMSWire
import Foundation
import Testing

/// dmsd given TLS material of its own (`--tls-cert/--tls-key`), with and without a client CA
/// (`--tls-client-ca`): server identity checks and mutual TLS.
@Suite struct OwnCertificatesEndToEndTests {
    /// The files of one mTLS set-up, made at test time.
    struct Material {
        let serverCA: String
        let serverCertificate: String
        let serverKey: String
        let clientCA: String
        let clientCertificate: String
        let clientKey: String
        let strangerCertificate: String
        let strangerKey: String

        init(directory: String, serverIPAddresses: [String] = ["127.0.0.1"]) throws {
            let serverAuthority = try CertificateAuthority(commonName: "DMS test server CA")
            let server = try serverAuthority.issueServerCertificate(dnsNames: ["localhost"], ipAddresses: serverIPAddresses)
            let clientAuthority = try CertificateAuthority(commonName: "DMS test client CA")
            let client = try clientAuthority.issueClientCertificate(commonName: "test-client")
            let strangerAuthority = try CertificateAuthority(commonName: "Somebody else's CA")
            let stranger = try strangerAuthority.issueClientCertificate(commonName: "stranger")

            serverCA = "\(directory)/server-ca.pem"
            serverCertificate = "\(directory)/server.pem"
            serverKey = "\(directory)/server-key.pem"
            clientCA = "\(directory)/client-ca.pem"
            clientCertificate = "\(directory)/client.pem"
            clientKey = "\(directory)/client-key.pem"
            strangerCertificate = "\(directory)/stranger.pem"
            strangerKey = "\(directory)/stranger-key.pem"
            try writeFile(try serverAuthority.certificatePEM, to: serverCA)
            try writeFile(server.certificatePEM, to: serverCertificate)
            try writeFile(server.privateKeyPEM, to: serverKey)
            try writeFile(try clientAuthority.certificatePEM, to: clientCA)
            try writeFile(client.certificatePEM, to: clientCertificate)
            try writeFile(client.privateKeyPEM, to: clientKey)
            try writeFile(stranger.certificatePEM, to: strangerCertificate)
            try writeFile(stranger.privateKeyPEM, to: strangerKey)
        }

        /// How the harness reaches the dmsd of `daemonArguments` (to seed the canary).
        var clientTLS: DaemonProcess.ClientTLS {
            .init(caFile: serverCA, certificateFile: clientCertificate, keyFile: clientKey)
        }

        var daemonArguments: [String] {
            serverArguments + ["--tls-client-ca", clientCA]
        }

        var serverArguments: [String] {
            ["--tls-cert", serverCertificate, "--tls-key", serverKey]
        }
    }

    @Test func clientVerifiesTheServerNameItWasGiven() async throws {
        try await withTemporaryDirectory { directory in
            // A certificate for the name "localhost" only: no IP address to fall back on.
            let material = try Material(directory: directory, serverIPAddresses: [])
            let trust = DaemonProcess.ClientTLS(caFile: material.serverCA, serverName: "localhost")
            try await DaemonProcess.with(arguments: material.serverArguments, clientTLS: trust) { daemon in
                var configuration = RPCClient.Configuration(host: "127.0.0.1", port: daemon.port, caFile: material.serverCA)
                configuration.serverName = "localhost"
                let response = try await RPCClient.withConnection(configuration) { client in
                    try await client.unary(API.HealthService.health, Dms_V1_HealthRequest())
                }
                #expect(response.status == .serving)

                configuration.serverName = "not-this-server.example"
                let error = await #expect(throws: RPCError.self) {
                    try await RPCClient.withConnection(configuration) { client in
                        try await client.unary(API.HealthService.health, Dms_V1_HealthRequest())
                    }
                }
                #expect(error?.code == .unavailable)
                #expect(error?.message.contains("TLS handshake") == true, "\(String(describing: error))")
            }
        }
    }

    @Test(arguments: ["127.0.0.1", "localhost"])
    func clientWithACertificateFromTheClientCAIsServed(host: String) async throws {
        try await withTemporaryDirectory { directory in
            let material = try Material(directory: directory)
            try await DaemonProcess.with(arguments: material.daemonArguments, clientTLS: material.clientTLS) { daemon in
                let configuration = RPCClient.Configuration(
                    host: host, port: daemon.port, caFile: material.serverCA,
                    clientCertificateFile: material.clientCertificate, clientKeyFile: material.clientKey)
                let response = try await RPCClient.withConnection(configuration) { client in
                    try await client.unary(API.HealthService.health, Dms_V1_HealthRequest())
                }
                #expect(response.status == .serving)
            }
        }
    }

    @Test(arguments: [false, true])
    func clientWithoutAnAcceptableCertificateGetsNoCallThrough(presentsStrangerCertificate: Bool) async throws {
        try await withTemporaryDirectory { directory in
            let material = try Material(directory: directory)
            try await DaemonProcess.with(arguments: material.daemonArguments, clientTLS: material.clientTLS) { daemon in
                let good = material.clientConfiguration(port: daemon.port)
                try await RPCClient.withConnection(good) { bystander in
                    try await expectServing(bystander, "bystander before")
                    let refused = material.clientConfiguration(port: daemon.port, stranger: presentsStrangerCertificate)
                    let error = await #expect(throws: RPCError.self) {
                        try await RPCClient.withConnection(refused) { client in
                            try await client.unary(
                                API.HealthService.health, Dms_V1_HealthRequest(), options: .init(timeout: .seconds(5)))
                        }
                    }
                    #expect(error?.code == .unavailable, "\(String(describing: error))")
                    let alert = presentsStrangerCertificate ? "UNKNOWN_CA" : "CERTIFICATE_REQUIRED"
                    #expect(error?.message.contains(alert) == true, "names the TLS alert: \(String(describing: error))")
                    try await expectServing(bystander, "bystander after")
                }
            }
        }
    }
}

extension OwnCertificatesEndToEndTests.Material {
    /// A client of the daemon at `port` trusting the server CA. By default it presents the client
    /// CA's certificate; with `stranger` it presents one from another CA (`true`) or none (`false`).
    func clientConfiguration(port: Int, stranger: Bool? = nil) -> RPCClient.Configuration {
        var configuration = RPCClient.Configuration(host: "127.0.0.1", port: port, caFile: serverCA)
        switch stranger {
        case nil:
            configuration.clientCertificateFile = clientCertificate
            configuration.clientKeyFile = clientKey
        case true?:
            configuration.clientCertificateFile = strangerCertificate
            configuration.clientKeyFile = strangerKey
        case false?:
            break
        }
        return configuration
    }
}
