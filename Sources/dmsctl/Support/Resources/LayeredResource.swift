import DMSAPI
import DMSProto
import DMSWire
import SwiftProtobuf

/// The list response of a ``LayeredResource``.
protocol LayeredListResponse: SwiftProtobuf.Message {
    associatedtype Resource: LayeredResource
    /// The page's resources.
    var items: [Resource] { get set }
    var nextPageToken: String { get set }
}

/// The calls and names of one kind of ``LayeredResource``.
protocol LayeredResourceAPI: Sendable {
    associatedtype Resource: LayeredResource
    associatedtype CreateRequest: LayeredCreateRequest
    associatedtype GetRequest: LocatingRequest
    associatedtype ListRequest: LayeredListRequest
    associatedtype ListResponse: LayeredListResponse where ListResponse.Resource == Resource
    associatedtype UpdateRequest: LayeredUpdateRequest
    associatedtype DeleteRequest: LayeredDeleteRequest
    associatedtype DeleteResponse: SwiftProtobuf.Message

    /// `source` or `target`.
    static var noun: String { get }
    /// The connector spec's JSON Schema for this kind's own fields.
    static var specSchema: KeyPath<Dms_V1_ConnectorSpec, String> { get }
    static var create: UnaryMethod<CreateRequest, Resource> { get }
    static var get: UnaryMethod<GetRequest, Resource> { get }
    static var list: UnaryMethod<ListRequest, ListResponse> { get }
    static var update: UnaryMethod<UpdateRequest, Resource> { get }
    static var delete: UnaryMethod<DeleteRequest, DeleteResponse> { get }
}

/// Sources: ``LayeredResourceAPI`` over `SourceService`.
enum SourceAPI: LayeredResourceAPI {
    static let noun = "source"
    static var specSchema: KeyPath<Dms_V1_ConnectorSpec, String> { \.sourceSchema }
    static let create = API.SourceService.createSource
    static let get = API.SourceService.getSource
    static let list = API.SourceService.listSources
    static let update = API.SourceService.updateSource
    static let delete = API.SourceService.deleteSource
}

/// Targets: ``LayeredResourceAPI`` over `TargetService`.
enum TargetAPI: LayeredResourceAPI {
    static let noun = "target"
    static var specSchema: KeyPath<Dms_V1_ConnectorSpec, String> { \.targetSchema }
    static let create = API.TargetService.createTarget
    static let get = API.TargetService.getTarget
    static let list = API.TargetService.listTargets
    static let update = API.TargetService.updateTarget
    static let delete = API.TargetService.deleteTarget
}

extension Dms_V1_ListSourcesResponse: LayeredListResponse {
    var items: [Dms_V1_Source] {
        get { sources }
        set { sources = newValue }
    }
}

extension Dms_V1_ListTargetsResponse: LayeredListResponse {
    var items: [Dms_V1_Target] {
        get { targets }
        set { targets = newValue }
    }
}
