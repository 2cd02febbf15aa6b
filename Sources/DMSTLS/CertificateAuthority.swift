import Crypto
import Foundation
import SwiftASN1
import X509

/// A certificate authority that can issue server and client certificates: the development CA
/// dmsd makes for itself when given no TLS material, and the CAs tests make at test time.
public struct CertificateAuthority: Sendable {
    /// The CA's own certificate.
    public let certificate: Certificate
    private let privateKey: P256.Signing.PrivateKey

    /// A certificate with its private key, both as PEM.
    public struct Issued: Sendable {
        /// The certificate, PEM.
        public let certificatePEM: String
        /// Its private key, PEM (PKCS#8).
        public let privateKeyPEM: String
    }

    /// Makes a new CA with a fresh P-256 key, valid for `validity` from an hour ago.
    public init(commonName: String, validity: TimeInterval = 10 * 365 * 86_400) throws {
        let key = P256.Signing.PrivateKey()
        let name = try DistinguishedName {
            OrganizationName("DMS")
            CommonName(commonName)
        }
        let now = Date()
        certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now - 3600,
            notValidAfter: now + validity,
            issuer: name,
            subject: name,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: Certificate.PublicKey(key.publicKey))
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
        privateKey = key
    }

    /// Loads a CA from its PEM certificate and PEM private key.
    public init(certificatePEM: String, privateKeyPEM: String) throws {
        certificate = try Certificate(pemEncoded: certificatePEM)
        privateKey = try P256.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
    }

    /// The CA certificate as PEM: what clients trust.
    public var certificatePEM: String {
        get throws { try certificate.serializeAsPEM().pemString }
    }

    /// The CA's private key as PEM. Keep it 0600.
    public var privateKeyPEM: String { privateKey.pemRepresentation }

    /// Issues a server certificate for `dnsNames` and `ipAddresses`.
    public func issueServerCertificate(
        dnsNames: [String], ipAddresses: [String], validity: TimeInterval = 825 * 86_400
    ) throws -> Issued {
        var names: [GeneralName] = dnsNames.map { .dnsName($0) }
        for address in ipAddresses {
            guard let bytes = Self.ipAddressBytes(address) else {
                throw CertificateError("\"\(address)\" is not an IP address")
            }
            names.append(.ipAddress(ASN1OctetString(contentBytes: ArraySlice(bytes))))
        }
        return try issue(
            commonName: dnsNames.first ?? ipAddresses.first ?? "dmsd", validity: validity,
            usage: .serverAuth, subjectAlternativeNames: names)
    }

    /// Issues a client certificate for mutual TLS.
    public func issueClientCertificate(commonName: String, validity: TimeInterval = 825 * 86_400) throws -> Issued {
        try issue(commonName: commonName, validity: validity, usage: .clientAuth, subjectAlternativeNames: [])
    }

    private func issue(
        commonName: String, validity: TimeInterval, usage: ExtendedKeyUsage.Usage, subjectAlternativeNames: [GeneralName]
    ) throws -> Issued {
        let key = P256.Signing.PrivateKey()
        let subject = try DistinguishedName {
            OrganizationName("DMS")
            CommonName(commonName)
        }
        let now = Date()
        let issued = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now - 3600,
            notValidAfter: now + validity,
            issuer: certificate.subject,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, keyEncipherment: true))
                try ExtendedKeyUsage([usage])
                if !subjectAlternativeNames.isEmpty {
                    SubjectAlternativeNames(subjectAlternativeNames)
                }
            },
            issuerPrivateKey: Certificate.PrivateKey(privateKey))
        return Issued(certificatePEM: try issued.serializeAsPEM().pemString, privateKeyPEM: key.pemRepresentation)
    }

    /// The network-order bytes of an IPv4 or IPv6 literal.
    static func ipAddressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }
}

/// A problem with certificates or keys, for people.
public struct CertificateError: Error, CustomStringConvertible {
    /// What is wrong.
    public let description: String

    /// Creates the error.
    public init(_ description: String) { self.description = description }
}
