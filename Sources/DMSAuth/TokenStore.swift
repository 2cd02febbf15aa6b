import DMSWire

/// Finds the principal of a presented token.
public protocol TokenStore: Sendable {
    /// The principal of `token`, or nil when the token is unknown, expired or revoked.
    func principal(for token: String) async throws -> Principal?
}
