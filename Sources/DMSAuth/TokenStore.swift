import DMSWire

/// Finds the principal of a presented token.
public protocol TokenStore: Sendable {
    /// The principal of the token whose hash is `hash`, or nil when the token is unknown,
    /// expired or revoked.
    func principal(for hash: TokenHash) async throws -> Principal?
}

extension TokenStore {
    /// The principal of `token`, or nil when the token is unknown, expired or revoked.
    public func principal(for token: String) async throws -> Principal? {
        try await principal(for: TokenHash(token: token))
    }
}
