import DMSAPI
import DMSProto
import DMSRPCServer
import DMSStore
import DMSWire

/// Tokens: admins manage every token; editors manage the editor and viewer tokens of their own
/// namespace; viewers may list and read those.
struct TokenService: Sendable {
    let store: MetadataStore

    func register(on router: inout MethodRouter) {
        router.register(API.TokenService.createToken) { request, context in
            try await store.tokens.create(request, scope: try context.scope(), callDefault: context.namespace)
        }
        router.register(API.TokenService.listTokens) { request, context in
            try await store.tokens.list(request, scope: try context.scope())
        }
        router.register(API.TokenService.getToken) { request, context in
            try await store.tokens.get(id: request.id, name: request.name, namespace: request.namespace, scope: try context.scope())
        }
        router.register(API.TokenService.revokeToken) { request, context in
            try await store.tokens.revoke(id: request.id, name: request.name, namespace: request.namespace, scope: try context.scope())
        }
    }
}
