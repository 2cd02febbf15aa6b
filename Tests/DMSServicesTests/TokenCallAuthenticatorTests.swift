import DMSAuth
import DMSServices
import DMSWire
import Synchronization
import Testing

/// The authenticator over a token store held in memory (the store's own behaviour against
/// PostgreSQL is tested in DMSStoreTests): it must answer for the token each call presents, also
/// when it remembers the credential of the call before.
@Suite struct TokenCallAuthenticatorTests {
    /// Principals by token hash; counts the lookups.
    final class MemoryTokenStore: TokenStore {
        let principals: [TokenHash: Principal]
        let lookups = Mutex(0)

        init(_ principals: [String: Principal]) {
            self.principals = Dictionary(uniqueKeysWithValues: principals.map { (TokenHash(token: $0.key), $0.value) })
        }

        func principal(for hash: TokenHash) async throws -> Principal? {
            lookups.withLock { $0 += 1 }
            return principals[hash]
        }
    }

    static let health = MethodDescriptor(
        fullName: "dms.v1.HealthService/Health", kind: .unary, requestTypeName: "dms.v1.HealthRequest", responseTypeName: "dms.v1.HealthResponse")
    static let getConnection = MethodDescriptor(
        fullName: "dms.v1.ConnectionService/GetConnection", kind: .unary, requestTypeName: "dms.v1.GetConnectionRequest",
        responseTypeName: "dms.v1.Connection")

    let alice = AccessToken.generate()
    let bob = AccessToken.generate()
    let aliceCaller = Principal(tokenID: "a", role: .admin)
    let bobCaller = Principal(tokenID: "b", role: .viewer, namespace: "team-b")

    func authenticate(_ authenticator: TokenCallAuthenticator, _ authorization: String?, method: MethodDescriptor = getConnection) async throws
        -> Principal
    {
        try await authenticator.authenticate(method: method, metadata: authorization.map { ["authorization": $0] } ?? [:])
    }

    func refusal(_ authenticator: TokenCallAuthenticator, _ authorization: String?) async -> RPCError? {
        do {
            _ = try await authenticate(authenticator, authorization)
            return nil
        } catch {
            return error as? RPCError
        }
    }

    @Test func eachCallIsAnsweredForTheTokenItPresentsWhateverCameBefore() async throws {
        let store = MemoryTokenStore([alice: aliceCaller, bob: bobCaller])
        let authenticator = TokenCallAuthenticator(store: store)
        #expect(try await authenticate(authenticator, "Bearer \(alice)") == aliceCaller)
        #expect(try await authenticate(authenticator, "Bearer \(alice)") == aliceCaller)
        #expect(try await authenticate(authenticator, "Bearer \(bob)") == bobCaller)
        #expect(try await authenticate(authenticator, "Bearer \(alice)") == aliceCaller)
        // A refused value in between leaves the next call unaffected, and the other way round.
        #expect(await refusal(authenticator, "Bearer \(bob.dropLast())")?.message == "invalid token")
        #expect(try await authenticate(authenticator, "Bearer \(bob)") == bobCaller)
        #expect(await refusal(authenticator, "Bearer \(AccessToken.generate())")?.message == "invalid token")
        #expect(await refusal(authenticator, nil)?.code == .unauthenticated)
        #expect(try await authenticate(authenticator, "bearer  \(bob) ") == bobCaller)
        // The store is asked every time: only the parsing and hashing are remembered.
        #expect(store.lookups.withLock { $0 } == 7)
    }

    @Test func healthNeedsNoTokenButABadOneIsStillRefused() async throws {
        let authenticator = TokenCallAuthenticator(store: MemoryTokenStore([alice: aliceCaller]))
        #expect(try await authenticate(authenticator, nil, method: Self.health) == .anonymous)
        #expect(try await authenticate(authenticator, "Basic abc", method: Self.health) == .anonymous)
        #expect(try await authenticate(authenticator, "Bearer \(alice)", method: Self.health) == aliceCaller)
        await #expect(throws: RPCError.self) { try await authenticate(authenticator, "Bearer nope", method: Self.health) }
        let missing = await refusal(authenticator, "Basic abc")
        #expect(missing?.code == .unauthenticated && missing?.message.hasPrefix("missing bearer token") == true)
    }
}
