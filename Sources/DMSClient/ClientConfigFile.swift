import Foundation
import Yams

/// The client configuration file, `~/.config/dms/config`: named contexts like kubectl's.
///
/// ```yaml
/// current-context: local
/// contexts:
/// - name: local
///   server: 127.0.0.1:7443
///   ca-file: /home/me/.local/share/dms/tls/ca.pem
///   token: dms_…
///   namespace: default
/// ```
/// The file holds a token, so it is written with mode 0600.
public struct ClientConfigFile: Codable, Sendable, Equatable {
    /// One server and the identity used there.
    public struct Context: Codable, Sendable, Equatable {
        /// The context's name.
        public var name: String
        /// `host:port` of the server.
        public var server: String
        /// PEM file of the CA that signed the server's certificate.
        public var caFile: String?
        /// The name the server certificate must carry, when it differs from the host.
        public var serverName: String?
        /// The bearer token.
        public var token: String?
        /// The default namespace.
        public var namespace: String?
        /// Client certificate and key for servers that verify clients (mTLS).
        public var clientCertificateFile: String?
        /// The private key of `clientCertificateFile`.
        public var clientKeyFile: String?

        /// Creates a context.
        public init(
            name: String, server: String, caFile: String? = nil, serverName: String? = nil, token: String? = nil,
            namespace: String? = nil, clientCertificateFile: String? = nil, clientKeyFile: String? = nil
        ) {
            self.name = name
            self.server = server
            self.caFile = caFile
            self.serverName = serverName
            self.token = token
            self.namespace = namespace
            self.clientCertificateFile = clientCertificateFile
            self.clientKeyFile = clientKeyFile
        }

        enum CodingKeys: String, CodingKey {
            case name, server, token, namespace
            case caFile = "ca-file"
            case serverName = "server-name"
            case clientCertificateFile = "client-certificate-file"
            case clientKeyFile = "client-key-file"
        }
    }

    /// The context used when none is named.
    public var currentContext: String?
    /// All contexts.
    public var contexts: [Context]

    /// Creates a file's content.
    public init(currentContext: String? = nil, contexts: [Context] = []) {
        self.currentContext = currentContext
        self.contexts = contexts
    }

    enum CodingKeys: String, CodingKey {
        case currentContext = "current-context"
        case contexts
    }

    /// The default location: `$DMS_CONFIG`, else `$XDG_CONFIG_HOME/dms/config`, else `~/.config/dms/config`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let path = environment["DMS_CONFIG"], !path.isEmpty { return path }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty { return "\(xdg)/dms/config" }
        let home = environment["HOME"] ?? NSHomeDirectory()
        return "\(home)/.config/dms/config"
    }

    /// Reads the file at `path`; a missing file is an empty configuration.
    public static func load(from path: String) throws -> ClientConfigFile {
        guard FileManager.default.fileExists(atPath: path) else { return ClientConfigFile() }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        do {
            return try YAMLDecoder().decode(ClientConfigFile.self, from: text)
        } catch {
            throw ClientConfigError("\(path) is not a valid dms client configuration: \(error)")
        }
    }

    /// Writes the file atomically with mode 0600, creating its directory (0700) when needed.
    public func save(to path: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        let text = try YAMLEncoder().encode(self)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        guard FileManager.default.createFile(
            atPath: temporary.path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        else { throw ClientConfigError("cannot write \(temporary.path)") }
        if rename(temporary.path, url.path) != 0 {
            try? FileManager.default.removeItem(at: temporary)
            throw ClientConfigError("cannot replace \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// The context named `name`, or the current one.
    public func context(named name: String?) throws -> Context {
        guard let wanted = name ?? currentContext else {
            throw ClientConfigError("no context selected: run `dmsctl config use-context NAME` or pass --context")
        }
        guard let context = contexts.first(where: { $0.name == wanted }) else {
            throw ClientConfigError("no context named \"\(wanted)\" (known: \(contexts.map(\.name).joined(separator: ", ")))")
        }
        return context
    }

    /// Adds `context`, replacing one of the same name; it becomes current when none is.
    public mutating func upsert(_ context: Context) {
        if let index = contexts.firstIndex(where: { $0.name == context.name }) {
            contexts[index] = context
        } else {
            contexts.append(context)
        }
        if currentContext == nil { currentContext = context.name }
    }
}

/// A problem with the client configuration file, for people.
public struct ClientConfigError: Error, CustomStringConvertible {
    /// What is wrong and what to do.
    public let description: String

    /// Creates the error.
    public init(_ description: String) { self.description = description }
}
