import DMSTLS
import DMSTestSupport
import Foundation
import SwiftASN1
import Testing
import X509

@Suite struct CertificateAuthorityTests {
    static func verify(_ leaf: Certificate, by authority: CertificateAuthority, hostname: String?, ip: String?) async -> Bool {
        var verifier = Verifier(rootCertificates: CertificateStore([authority.certificate])) {
            RFC5280Policy(validationTime: Date())
            ServerIdentityPolicy(serverHostname: hostname, serverIP: ip)
        }
        if case .validCertificate = await verifier.validate(leaf: leaf, intermediates: CertificateStore()) { return true }
        return false
    }

    @Test func serverCertificateCarriesTheGivenSANsAndIsSignedByTheCA() async throws {
        let authority = try CertificateAuthority(commonName: "test CA")
        let issued = try authority.issueServerCertificate(
            dnsNames: ["localhost", "dms.example.com"], ipAddresses: ["127.0.0.1", "::1", "10.1.2.3"])
        let leaf = try Certificate(pemEncoded: issued.certificatePEM)

        let names = try #require(try leaf.extensions.subjectAlternativeNames)
        #expect(Array(names) == [
            .dnsName("localhost"), .dnsName("dms.example.com"),
            .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
            .ipAddress(ASN1OctetString(contentBytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
            .ipAddress(ASN1OctetString(contentBytes: [10, 1, 2, 3])),
        ])
        #expect(leaf.issuer == authority.certificate.subject)
        #expect(authority.certificate.publicKey.isValidSignature(leaf.signature, for: leaf))
        #expect(try leaf.extensions.basicConstraints == .notCertificateAuthority)
        #expect(try leaf.extensions.extendedKeyUsage?.contains(.serverAuth) == true)
    }

    @Test(arguments: [
        ("localhost", String?.none, true),
        ("dms.example.com", nil, true),
        (nil, "127.0.0.1", true),
        (nil, "::1", true),
        ("other.example.com", nil, false),
        (nil, "127.0.0.2", false),
    ] as [(String?, String?, Bool)])
    func verifierAcceptsOnlyTheNamesTheCertificateCarries(hostname: String?, ip: String?, valid: Bool) async throws {
        let authority = try CertificateAuthority(commonName: "test CA")
        let issued = try authority.issueServerCertificate(dnsNames: ["localhost", "dms.example.com"], ipAddresses: ["127.0.0.1", "::1"])
        let leaf = try Certificate(pemEncoded: issued.certificatePEM)
        #expect(await Self.verify(leaf, by: authority, hostname: hostname, ip: ip) == valid)
    }

    @Test func certificateOfAnotherCAIsNotTrusted() async throws {
        let authority = try CertificateAuthority(commonName: "test CA")
        let stranger = try CertificateAuthority(commonName: "test CA")
        let leaf = try Certificate(pemEncoded: try stranger.issueServerCertificate(dnsNames: ["localhost"], ipAddresses: []).certificatePEM)
        #expect(await Self.verify(leaf, by: authority, hostname: "localhost", ip: nil) == false)
        #expect(await Self.verify(leaf, by: stranger, hostname: "localhost", ip: nil) == true)
    }

    @Test func caCertificateIsACAThatMaySignOnlyLeaves() throws {
        let authority = try CertificateAuthority(commonName: "DMS development CA (test)")
        let certificate = try Certificate(pemEncoded: try authority.certificatePEM)
        #expect(certificate == authority.certificate)
        #expect(try certificate.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))
        #expect(certificate.subject == certificate.issuer)
        #expect(certificate.notValidAfter > Date().addingTimeInterval(365 * 86_400))
    }

    @Test func caReloadedFromPEMIssuesCertificatesTheOriginalVerifies() async throws {
        let original = try CertificateAuthority(commonName: "test CA")
        let reloaded = try CertificateAuthority(certificatePEM: try original.certificatePEM, privateKeyPEM: original.privateKeyPEM)
        let leaf = try Certificate(pemEncoded: try reloaded.issueServerCertificate(dnsNames: ["localhost"], ipAddresses: []).certificatePEM)
        #expect(await Self.verify(leaf, by: original, hostname: "localhost", ip: nil))
    }

    @Test(arguments: ["localhost", "300.1.1.1", "1.2.3", "::g", ""])
    func nonIPAddressIsRefusedByName(address: String) throws {
        let authority = try CertificateAuthority(commonName: "test CA")
        let error = try #require(throws: DMSTLS.CertificateError.self) {
            try authority.issueServerCertificate(dnsNames: ["localhost"], ipAddresses: [address])
        }
        #expect(error.description.contains("\"\(address)\""))
    }

    @Test func clientCertificateIsForClientAuthentication() throws {
        let authority = try CertificateAuthority(commonName: "test CA")
        let leaf = try Certificate(pemEncoded: try authority.issueClientCertificate(commonName: "alice").certificatePEM)
        #expect(try leaf.extensions.extendedKeyUsage?.contains(.clientAuth) == true)
        #expect(try leaf.extensions.extendedKeyUsage?.contains(.serverAuth) == false)
        #expect(authority.certificate.publicKey.isValidSignature(leaf.signature, for: leaf))
    }
}
