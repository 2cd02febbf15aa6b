import DMSAPI
import DMSProto
import DMSRPCServer
import DMSStore
import DMSWire
import Logging

/// Connections: CRUD, upgrades and tests.
struct ConnectionService: Sendable {
    let store: MetadataStore
    /// Tries a connection; nil leaves TestConnection unimplemented.
    let tester: ConnectionTest?

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
        if let tester { registerTest(tester, on: &router) }
    }

    /// TestConnection: scope checked as GetConnection's (a viewer may test its namespace's
    /// connections), then the test, within the call's deadline and ``ConnectionTest/timeout``. A
    /// store that cannot be reached is a successful call whose answer says so.
    private func registerTest(_ tester: ConnectionTest, on router: inout MethodRouter) {
        router.register(API.ConnectionService.testConnection) { request, context in
            let scope = try context.scope()
            let key = try context.key(id: request.id, name: request.name, namespace: request.namespace, scope: scope)
            let configuration = try await store.connections.runtimeConfiguration(key, scope: scope)
            var timeout = tester.timeout
            if let deadline = context.deadline {
                // Leave room for the answer to travel back before the caller gives up.
                timeout = min(timeout, ContinuousClock.now.duration(to: deadline) - .milliseconds(500))
            }
            let response = await tester.run(configuration, timeout)
            context.logger.info(
                "connection test",
                metadata: [
                    "dms.connection.type": "\(configuration.type)", "dms.connection.ok": "\(response.ok)",
                    "dms.connection.test": "\(response.message)",
                ])
            return response
        }
    }
}

/// How dmsd tests a connection: given its runtime configuration (secrets in clear) and the time
/// allowed, an answer that never holds a secret.
public struct ConnectionTest: Sendable {
    /// The longest a test may take when the call's deadline allows more.
    public var timeout: Duration
    /// Runs one test.
    public var run: @Sendable (RuntimeConfiguration, Duration) async -> Dms_V1_TestConnectionResponse

    public init(timeout: Duration, run: @escaping @Sendable (RuntimeConfiguration, Duration) async -> Dms_V1_TestConnectionResponse) {
        self.timeout = timeout
        self.run = run
    }
}
