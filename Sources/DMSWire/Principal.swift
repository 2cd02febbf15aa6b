/// Who is making a call, as established from its bearer token.
public struct Principal: Sendable, Hashable {
    /// What a principal may do.
    public enum Role: String, Sendable, Hashable, CaseIterable {
        /// Everything, in every namespace.
        case admin
        /// Read and change resources of its namespace.
        case editor
        /// Read resources of its namespace.
        case viewer
        /// No token: only unauthenticated methods (Health).
        case anonymous
    }

    /// The token's id; empty for anonymous callers.
    public var tokenID: String
    /// The role granted by the token.
    public var role: Role
    /// The namespace a scoped token is bound to; `nil` for admin and anonymous callers.
    public var namespace: String?

    /// Creates a principal.
    public init(tokenID: String, role: Role, namespace: String? = nil) {
        self.tokenID = tokenID
        self.role = role
        self.namespace = namespace
    }

    /// A caller that presented no token.
    public static let anonymous = Principal(tokenID: "", role: .anonymous)
}
