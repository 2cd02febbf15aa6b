import DMSAPI
import DMSAuth
import DMSProto
import DMSRPCServer
import DMSWire

/// Checks the bearer token of every call except the ones anybody may make (`Health`).
public struct TokenCallAuthenticator: CallAuthenticator {
    let store: any TokenStore
    let publicMethods: Set<String>

    /// Creates an authenticator over `store`.
    public init(store: any TokenStore, publicMethods: Set<String> = [API.HealthService.health.descriptor.fullName]) {
        self.store = store
        self.publicMethods = publicMethods
    }

    public func authenticate(method: MethodDescriptor, metadata: [String: String]) async throws -> Principal {
        switch AccessToken.credential(fromAuthorization: metadata[MetadataKey.authorization]) {
        case .missing:
            if publicMethods.contains(method.fullName) { return .anonymous }
            throw RPCError(.unauthenticated, "missing bearer token: set the \"authorization\" metadata to \"Bearer <token>\"")
        case .malformed:
            throw RPCError(.unauthenticated, "invalid token")
        case .token(let hash):
            guard let principal = try await store.principal(for: hash) else { throw RPCError(.unauthenticated, "invalid token") }
            return principal
        }
    }
}
