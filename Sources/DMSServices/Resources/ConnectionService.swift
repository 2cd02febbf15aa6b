import DMSAPI
import DMSProto
import DMSRPCServer
import DMSStore
import DMSWire

/// Connections: CRUD and upgrades. (TestConnection arrives with the engine.)
struct ConnectionService: Sendable {
    let store: MetadataStore

    func register(on router: inout MethodRouter) {
        router.register(API.ConnectionService.createConnection) { request, context in
            let scope = try context.scope()
            return try await store.connections.create(request, namespace: try context.writableNamespace(request.namespace, scope: scope))
        }
        router.register(API.ConnectionService.getConnection) { request, context in
            let scope = try context.scope()
            return try await store.connections.get(try context.key(id: request.id, name: request.name, namespace: request.namespace, scope: scope), scope: scope)
        }
        router.register(API.ConnectionService.listConnections) { request, context in
            let scope = try context.scope()
            return try await store.connections.list(request, namespace: try context.listNamespace(request.namespace, scope: scope))
        }
        router.register(API.ConnectionService.updateConnection) { request, context in
            let scope = try context.scope()
            let key = try context.key(id: request.id, name: request.name, namespace: request.namespace, scope: scope)
            return try await store.connections.update(request, key: key, scope: scope)
        }
        router.register(API.ConnectionService.upgradeConnection) { request, context in
            let scope = try context.scope()
            let key = try context.key(id: request.id, name: request.name, namespace: request.namespace, scope: scope)
            return try await store.connections.upgrade(request, key: key, scope: scope)
        }
        router.register(API.ConnectionService.deleteConnection) { request, context in
            let scope = try context.scope()
            let key = try context.key(id: request.id, name: request.name, namespace: request.namespace, scope: scope)
            try await store.connections.delete(key: key, expectedRevision: request.expectedRevision, scope: scope)
            return Dms_V1_DeleteConnectionResponse()
        }
    }
}
