import DMSAPI
import DMSAuth
import DMSProto
import DMSRPCServer
import DMSWire
import Synchronization

/// Checks the bearer token of every call except the ones anybody may make (`Health`).
public struct TokenCallAuthenticator: CallAuthenticator {
    let store: any TokenStore
    let publicMethods: Set<String>
    private let lastCredential = LastCredential()

    /// Creates an authenticator over `store`.
    public init(store: any TokenStore, publicMethods: Set<String> = [API.HealthService.health.descriptor.fullName]) {
        self.store = store
        self.publicMethods = publicMethods
    }

    public func authenticate(method: MethodDescriptor, metadata: [String: String]) async throws -> Principal {
        switch lastCredential.credential(fromAuthorization: metadata[MetadataKey.authorization]) {
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

/// The credential of the last `authorization` value read: a busy client sends the same value on
/// every call, and comparing it costs far less than hashing the token again (SHA-256 was 4% of a
/// Health call). Holds one value, the one most recently presented, which the server has in memory
/// anyway.
private final class LastCredential: Sendable {
    private let last = Mutex<(authorization: String, credential: AccessToken.Credential)?>(nil)

    func credential(fromAuthorization value: String?) -> AccessToken.Credential {
        guard let value else { return .missing }
        // The last value may be another caller's token: compared in constant time, like any secret.
        if let last = last.withLock({ $0 }), AccessToken.constantTimeEquals(last.authorization, value) { return last.credential }
        let credential = AccessToken.credential(fromAuthorization: value)
        last.withLock { $0 = (value, credential) }
        return credential
    }
}
