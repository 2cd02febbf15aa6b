import Foundation
import Logging

/// The TLS material dmsd makes for itself when it is given none: a development CA and a server
/// certificate for this host, kept in `<data directory>/tls/`.
public enum DevelopmentTLS {
    /// Returns the server files under `directory`, creating the CA and certificate on first use.
    ///
    /// Files: `ca.pem` (what clients trust), `ca-key.pem`, `server.pem`, `server-key.pem`; keys 0600.
    public static func ensure(in directory: String, extraNames: [String] = [], logger: Logger) throws -> ServerTLS.Files {
        let fileManager = FileManager.default
        let files = ServerTLS.Files(certificate: "\(directory)/server.pem", privateKey: "\(directory)/server-key.pem")
        let caPath = caFile(in: directory)
        if fileManager.fileExists(atPath: files.certificate), fileManager.fileExists(atPath: files.privateKey),
            fileManager.fileExists(atPath: caPath)
        {
            return files
        }
        try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let authority = try CertificateAuthority(commonName: "DMS development CA (\(hostName()))")
        var dnsNames = ["localhost", hostName()] + extraNames.filter { CertificateAuthority.ipAddressBytes($0) == nil }
        dnsNames = dnsNames.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
        let ipAddresses = ["127.0.0.1", "::1"] + extraNames.filter { CertificateAuthority.ipAddressBytes($0) != nil }
        let server = try authority.issueServerCertificate(dnsNames: dnsNames, ipAddresses: ipAddresses)
        try write(authority.privateKeyPEM, to: "\(directory)/ca-key.pem", mode: 0o600)
        try write(server.privateKeyPEM, to: files.privateKey, mode: 0o600)
        try write(server.certificatePEM, to: files.certificate, mode: 0o644)
        try write(try authority.certificatePEM, to: caPath, mode: 0o644)
        logger.notice(
            "generated a development CA and server certificate; clients must trust the CA file",
            metadata: ["dms.tls.ca": "\(caPath)", "dms.tls.names": "\((dnsNames + ipAddresses).joined(separator: ","))"])
        return files
    }

    /// Where `ensure` keeps the CA certificate clients trust.
    public static func caFile(in directory: String) -> String { "\(directory)/ca.pem" }

    /// Writes `text` to `path` with `mode`, atomically.
    public static func write(_ text: String, to path: String, mode: Int) throws {
        let temporary = "\(path).\(getpid()).tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: mode]) else {
            throw CertificateError("cannot write \(temporary)")
        }
        guard rename(temporary, path) == 0 else {
            throw CertificateError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }

    private static func hostName() -> String {
        ProcessInfo.processInfo.hostName.lowercased()
    }
}
