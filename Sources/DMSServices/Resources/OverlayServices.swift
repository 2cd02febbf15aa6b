import DMSAPI
import DMSCatalog
import DMSProto
import DMSRPCServer
import DMSStore
import DMSWire
import SwiftProtobuf

/// Sources and Targets: the same CRUD over the overlay repository, for two sets of message types.
struct OverlayService<Resource: LayeredResource, Create: LayeredCreateRequest, Get: LocatingRequest, List: LayeredListRequest, ListResponse: SwiftProtobuf.Message, Update: LayeredUpdateRequest, Delete: LayeredDeleteRequest, DeleteResponse: SwiftProtobuf.Message>: Sendable {
    let repository: OverlayRepository
    let create: UnaryMethod<Create, Resource>
    let get: UnaryMethod<Get, Resource>
    let list: UnaryMethod<List, ListResponse>
    let update: UnaryMethod<Update, Resource>
    let delete: UnaryMethod<Delete, DeleteResponse>
    let makeListResponse: @Sendable ([Resource], String) -> ListResponse

    func register(on router: inout MethodRouter) {
        let repository = repository
        router.register(create) { request, context in
            let scope = try context.scope()
            let namespace = try context.writableNamespace(request.namespace, scope: scope)
            return Resource(try await repository.create(.init(name: request.name, connectionID: request.connectionID, conf: request.conf), namespace: namespace, scope: scope))
        }
        router.register(get) { request, context in
            let scope = try context.scope()
            return Resource(try await repository.get(try context.key(id: request.id, name: request.name, namespace: request.namespace, scope: scope), scope: scope))
        }
        let makeListResponse = makeListResponse
        router.register(list) { request, context in
            let scope = try context.scope()
            let page = try await repository.list(
                namespace: try context.listNamespace(request.namespace, scope: scope), prefix: request.namePrefix,
                connectionID: request.connectionID, pageSize: request.pageSize, pageToken: request.pageToken)
            return makeListResponse(page.items.map(Resource.init), page.next)
        }
        router.register(update) { request, context in
            let scope = try context.scope()
            let key = try context.key(id: request.id, name: request.name, namespace: request.namespace, scope: scope)
            return Resource(
                try await repository.update(
                    key: key, expectedRevision: request.expectedRevision, mask: request.updateMask, newName: request.newName,
                    connectionID: request.connectionID, conf: request.conf, scope: scope))
        }
        router.register(delete) { request, context in
            let scope = try context.scope()
            let key = try context.key(id: request.id, name: request.name, namespace: request.namespace, scope: scope)
            try await repository.delete(key: key, expectedRevision: request.expectedRevision, scope: scope)
            return DeleteResponse()
        }
    }
}

extension OverlayService where Resource == Dms_V1_Source, Create == Dms_V1_CreateSourceRequest, Get == Dms_V1_GetSourceRequest,
    List == Dms_V1_ListSourcesRequest, ListResponse == Dms_V1_ListSourcesResponse, Update == Dms_V1_UpdateSourceRequest,
    Delete == Dms_V1_DeleteSourceRequest, DeleteResponse == Dms_V1_DeleteSourceResponse
{
    /// The SourceService.
    static func sources(_ store: MetadataStore) -> Self {
        OverlayService(
            repository: store.sources, create: API.SourceService.createSource, get: API.SourceService.getSource,
            list: API.SourceService.listSources, update: API.SourceService.updateSource, delete: API.SourceService.deleteSource
        ) { items, next in
            var response = Dms_V1_ListSourcesResponse()
            response.sources = items
            response.nextPageToken = next
            return response
        }
    }
}

extension OverlayService where Resource == Dms_V1_Target, Create == Dms_V1_CreateTargetRequest, Get == Dms_V1_GetTargetRequest,
    List == Dms_V1_ListTargetsRequest, ListResponse == Dms_V1_ListTargetsResponse, Update == Dms_V1_UpdateTargetRequest,
    Delete == Dms_V1_DeleteTargetRequest, DeleteResponse == Dms_V1_DeleteTargetResponse
{
    /// The TargetService.
    static func targets(_ store: MetadataStore) -> Self {
        OverlayService(
            repository: store.targets, create: API.TargetService.createTarget, get: API.TargetService.getTarget,
            list: API.TargetService.listTargets, update: API.TargetService.updateTarget, delete: API.TargetService.deleteTarget
        ) { items, next in
            var response = Dms_V1_ListTargetsResponse()
            response.targets = items
            response.nextPageToken = next
            return response
        }
    }
}

/// A Source or Target message, made from what the repository returns.
extension LayeredResource {
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

