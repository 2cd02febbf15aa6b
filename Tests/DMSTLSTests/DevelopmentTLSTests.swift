import DMSTLS
import DMSTestSupport
import Foundation
import SwiftASN1
import Testing
import X509

@Suite struct DevelopmentTLSTests {
    static func mode(_ path: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
    }

    static func contents(_ directory: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: "\(directory)/\(name)"))
        }
        return files
    }

    @Test func ensureCreatesTheCAServerCertificateAndPrivateKeys() async throws {
        try await withTemporaryDirectory { root in
            let directory = "\(root)/data/tls"
            let files = try DevelopmentTLS.ensure(in: directory, logger: .init(label: "dms.test"))
            #expect(files == ServerTLS.Files(certificate: "\(directory)/server.pem", privateKey: "\(directory)/server-key.pem"))
            #expect(DevelopmentTLS.caFile(in: directory) == "\(directory)/ca.pem")
            #expect(Set(try FileManager.default.contentsOfDirectory(atPath: directory)) == ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem"])
            #expect(try Self.mode("\(directory)/ca-key.pem") == 0o600)
            #expect(try Self.mode("\(directory)/server-key.pem") == 0o600)
            #expect(try String(contentsOfFile: "\(directory)/server-key.pem", encoding: .utf8).hasPrefix("-----BEGIN PRIVATE KEY-----"))
        }
    }

    @Test func serverCertificateCoversLocalNamesAndExtraNamesAndChainsToTheCA() async throws {
        try await withTemporaryDirectory { root in
            let directory = "\(root)/tls"
            _ = try DevelopmentTLS.ensure(in: directory, extraNames: ["dms.example.com", "10.9.8.7", "localhost"], logger: .init(label: "dms.test"))
            let ca = try Certificate(pemEncoded: try String(contentsOfFile: "\(directory)/ca.pem", encoding: .utf8))
            let leaf = try Certificate(pemEncoded: try String(contentsOfFile: "\(directory)/server.pem", encoding: .utf8))
            let names = Array(try #require(try leaf.extensions.subjectAlternativeNames))
            let host = ProcessInfo.processInfo.hostName.lowercased()
            for expected: GeneralName in [
                .dnsName("localhost"), .dnsName(host), .dnsName("dms.example.com"),
                .ipAddress(ASN1OctetString(contentBytes: [127, 0, 0, 1])),
                .ipAddress(ASN1OctetString(contentBytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1])),
                .ipAddress(ASN1OctetString(contentBytes: [10, 9, 8, 7])),
            ] {
                #expect(names.contains(expected), "\(expected) missing from \(names)")
            }
            #expect(names.filter { $0 == .dnsName("localhost") }.count == 1, "duplicate names: \(names)")
            #expect(!names.contains(.dnsName("10.9.8.7")), "an IP address was added as a DNS name")
            #expect(leaf.issuer == ca.subject)
            #expect(ca.publicKey.isValidSignature(leaf.signature, for: leaf))
        }
    }

    @Test func secondCallReusesTheSameFiles() async throws {
        try await withTemporaryDirectory { root in
            let directory = "\(root)/tls"
            let first = try DevelopmentTLS.ensure(in: directory, logger: .init(label: "dms.test"))
            let before = try Self.contents(directory)
            let second = try DevelopmentTLS.ensure(in: directory, logger: .init(label: "dms.test"))
            #expect(first == second)
            #expect(try Self.contents(directory) == before)
        }
    }

    @Test(arguments: ["certificate", "key", "client CA"])
    func makeContextWithAMissingFileNamesThePath(missing: String) async throws {
        try await withTemporaryDirectory { root in
            var files = try DevelopmentTLS.ensure(in: "\(root)/tls", logger: .init(label: "dms.test"))
            let absent = "\(root)/absent-\(missing.replacingOccurrences(of: " ", with: "-")).pem"
            switch missing {
            case "certificate": files.certificate = absent
            case "key": files.privateKey = absent
            default: files.clientCA = absent
            }
            let error = try #require(throws: DMSTLS.CertificateError.self) { try ServerTLS.makeContext(files) }
            #expect(error.description.contains(absent), "\(error)")
        }
    }

    @Test func makeContextRefusesAKeyThatIsNotPEM() async throws {
        try await withTemporaryDirectory { root in
            var files = try DevelopmentTLS.ensure(in: "\(root)/tls", logger: .init(label: "dms.test"))
            files.privateKey = "\(root)/garbage.pem"
            try "not a key".write(toFile: files.privateKey, atomically: true, encoding: .utf8)
            let error = try #require(throws: DMSTLS.CertificateError.self) { try ServerTLS.makeContext(files) }
            #expect(error.description.contains(files.privateKey))
        }
    }
}
