import DMSWire
import Foundation
import Synchronization

/// One stored token: never the token itself, only its digest.
public struct StoredToken: Codable, Sendable, Equatable {
    /// A stable id.
    public var id: String
    /// A name chosen by whoever made it, `"bootstrap-admin"`.
    public var name: String
    /// What the token may do.
    public var role: String
    /// The namespace of a scoped token; nil for admin tokens.
    public var namespace: String?
    /// SHA-256 of the token, hex.
    public var digest: String
    /// The first characters of the token, to recognise it.
    public var prefix: String
    /// When it was made.
    public var createdAt: Date

    /// The principal this token stands for.
    public var principal: Principal {
        Principal(tokenID: id, role: Principal.Role(rawValue: role) ?? .viewer, namespace: namespace)
    }
}

/// Finds the principal of a presented token.
public protocol TokenStore: Sendable {
    /// The principal of `token`, or nil when the token is unknown or revoked.
    func principal(for token: String) async throws -> Principal?
}

/// Tokens kept in one JSON file (mode 0600) in the data directory.
///
/// This is the store of the foundation release: it holds the bootstrap admin token. Lookups
/// compare digests in constant time against every stored token.
public final class FileTokenStore: TokenStore {
    private let path: String
    private let tokens: Mutex<[StoredToken]>

    /// Opens (or starts) the store at `path`.
    public init(path: String) throws {
        self.path = path
        if FileManager.default.fileExists(atPath: path) {
            let data = try Data(contentsOf: URL(fileURLWithPath: path))
            let decoder = JSONDecoder()
            decoder.dateDecodingStrategy = .iso8601
            do {
                tokens = Mutex(try decoder.decode([StoredToken].self, from: data))
            } catch {
                throw TokenStoreError("\(path) is not a valid token file: \(error)")
            }
        } else {
            tokens = Mutex([])
        }
    }

    /// True when no token exists yet (first start).
    public var isEmpty: Bool { tokens.withLock { $0.isEmpty } }

    public func principal(for token: String) async throws -> Principal? {
        let digest = AccessToken.digest(token)
        return tokens.withLock { tokens in
            var found: Principal?
            for stored in tokens where AccessToken.constantTimeEquals(stored.digest, digest) {
                found = stored.principal
            }
            return found
        }
    }

    /// Makes a token, stores its digest, and returns the token: the only time it is seen.
    public func create(name: String, role: Principal.Role, namespace: String? = nil) throws -> String {
        let token = AccessToken.generate()
        let stored = StoredToken(
            id: UUID().uuidString.lowercased(), name: name, role: role.rawValue, namespace: namespace,
            digest: AccessToken.digest(token), prefix: AccessToken.displayPrefix(token), createdAt: Date())
        try tokens.withLock { tokens in
            var updated = tokens
            updated.append(stored)
            try Self.write(updated, to: path)
            tokens = updated
        }
        return token
    }

    private static func write(_ tokens: [StoredToken], to path: String) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let temporary = "\(path).\(getpid()).tmp"
        guard FileManager.default.createFile(
            atPath: temporary, contents: try encoder.encode(tokens), attributes: [.posixPermissions: 0o600])
        else { throw TokenStoreError("cannot write \(temporary)") }
        guard rename(temporary, path) == 0 else {
            throw TokenStoreError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
    }
}

/// A problem with the token store, for people.
public struct TokenStoreError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    /// Creates the error.
    public init(_ description: String) { self.description = description }
}
