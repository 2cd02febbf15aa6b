import DMSAPI
import DMSCatalog
import DMSProto
import DMSRPCServer
import DMSStore
import DMSWire

/// Sources: CRUD over the overlay repository.
struct SourceService: Sendable {
    let store: MetadataStore

    func register(on router: inout MethodRouter) {
        let repository = store.sources
        router.register(API.SourceService.createSource) { request, context in
            let scope = try context.scope()
            let namespace = try context.writableNamespace(request.namespace, scope: scope)
            return Dms_V1_Source(try await repository.create(.init(name: request.name, connectionID: request.connectionID, conf: request.conf), namespace: namespace, scope: scope))
        }
        router.register(API.SourceService.getSource) { request, context in
            let scope = try context.scope()
            return Dms_V1_Source(try await repository.get(try context.key(id: request.id, name: request.name, namespace: request.namespace, scope: scope), scope: scope))
        }
        router.register(API.SourceService.listSources) { request, context in
            let scope = try context.scope()
            let page = try await repository.list(
                namespace: try context.listNamespace(request.namespace, scope: scope), prefix: request.namePrefix,
                connectionID: request.connectionID, pageSize: request.pageSize, pageToken: request.pageToken)
            var response = Dms_V1_ListSourcesResponse()
            response.sources = page.items.map(Dms_V1_Source.init)
            response.nextPageToken = page.next
            return response
        }
        router.register(API.SourceService.updateSource) { request, context in
            let scope = try context.scope()
            let key = try context.key(id: request.id, name: request.name, namespace: request.namespace, scope: scope)
            return Dms_V1_Source(
                try await repository.update(
                    key: key, expectedRevision: request.expectedRevision, mask: request.updateMask, newName: request.newName,
                    connectionID: request.connectionID, conf: request.conf, scope: scope))
        }
        router.register(API.SourceService.deleteSource) { request, context in
            let scope = try context.scope()
            let key = try context.key(id: request.id, name: request.name, namespace: request.namespace, scope: scope)
            try await repository.delete(key: key, expectedRevision: request.expectedRevision, scope: scope)
            return Dms_V1_DeleteSourceResponse()
        }
    }
}

/// Targets: CRUD over the overlay repository.
struct TargetService: Sendable {
    let store: MetadataStore

    func register(on router: inout MethodRouter) {
        let repository = store.targets
        router.register(API.TargetService.createTarget) { request, context in
            let scope = try context.scope()
            let namespace = try context.writableNamespace(request.namespace, scope: scope)
            return Dms_V1_Target(try await repository.create(.init(name: request.name, connectionID: request.connectionID, conf: request.conf), namespace: namespace, scope: scope))
        }
        router.register(API.TargetService.getTarget) { request, context in
            let scope = try context.scope()
            return Dms_V1_Target(try await repository.get(try context.key(id: request.id, name: request.name, namespace: request.namespace, scope: scope), scope: scope))
        }
        router.register(API.TargetService.listTargets) { request, context in
            let scope = try context.scope()
            let page = try await repository.list(
                namespace: try context.listNamespace(request.namespace, scope: scope), prefix: request.namePrefix,
                connectionID: request.connectionID, pageSize: request.pageSize, pageToken: request.pageToken)
            var response = Dms_V1_ListTargetsResponse()
            response.targets = page.items.map(Dms_V1_Target.init)
            response.nextPageToken = page.next
            return response
        }
        router.register(API.TargetService.updateTarget) { request, context in
            let scope = try context.scope()
            let key = try context.key(id: request.id, name: request.name, namespace: request.namespace, scope: scope)
            return Dms_V1_Target(
                try await repository.update(
                    key: key, expectedRevision: request.expectedRevision, mask: request.updateMask, newName: request.newName,
                    connectionID: request.connectionID, conf: request.conf, scope: scope))
        }
        router.register(API.TargetService.deleteTarget) { request, context in
            let scope = try context.scope()
            let key = try context.key(id: request.id, name: request.name, namespace: request.namespace, scope: scope)
            try await repository.delete(key: key, expectedRevision: request.expectedRevision, scope: scope)
            return Dms_V1_DeleteTargetResponse()
        }
    }
}

extension Dms_V1_Source {
    init(_ overlay: OverlayRepository.Overlay) {
        self.init()
        id = overlay.id
        name = overlay.name
        namespace = overlay.namespace
        connectionID = overlay.connectionID
        conf = JSONValue.object(overlay.conf).serialized()
        overrides = JSONValue.object(overlay.overrides).serialized()
        revision = overlay.revision
        createTime = overlay.createTime
        updateTime = overlay.updateTime
    }
}

extension Dms_V1_Target {
    init(_ overlay: OverlayRepository.Overlay) {
        self.init()
        id = overlay.id
        name = overlay.name
        namespace = overlay.namespace
        connectionID = overlay.connectionID
        conf = JSONValue.object(overlay.conf).serialized()
        overrides = JSONValue.object(overlay.overrides).serialized()
        revision = overlay.revision
        createTime = overlay.createTime
        updateTime = overlay.updateTime
    }
}
