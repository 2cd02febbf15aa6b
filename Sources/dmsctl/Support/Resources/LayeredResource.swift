import DMSAPI
import DMSProto
import DMSWire
import SwiftProtobuf

/// A resource that extends a Connection with its own fields — a Source or a Target. Both have the
/// same shape and the same calls, so dmsctl handles them with one set of code.
protocol LayeredResource: SwiftProtobuf.Message, Sendable {
    var id: String { get set }
    var name: String { get set }
    var connectionID: String { get set }
    /// The effective configuration (JSON text).
    var conf: String { get set }
    /// The resource's own fields (JSON text).
    var overrides: String { get set }
    var namespace: String { get set }
    var revision: Int64 { get set }
    var createTime: Google_Protobuf_Timestamp { get set }
    var hasCreateTime: Bool { get }
    var updateTime: Google_Protobuf_Timestamp { get set }
    var hasUpdateTime: Bool { get }
}

/// The create request of a ``LayeredResource``.
protocol LayeredCreateRequest: SwiftProtobuf.Message {
    var name: String { get set }
    var connectionID: String { get set }
    var conf: String { get set }
    var namespace: String { get set }
}

/// The list request of a ``LayeredResource``.
protocol LayeredListRequest: SwiftProtobuf.Message {
    var namespace: String { get set }
    var namePrefix: String { get set }
    var connectionID: String { get set }
    var pageSize: Int32 { get set }
    var pageToken: String { get set }
}

/// The list response of a ``LayeredResource``.
protocol LayeredListResponse: SwiftProtobuf.Message {
    associatedtype Resource: LayeredResource
    /// The page's resources.
    var items: [Resource] { get set }
    var nextPageToken: String { get set }
}

/// The update request of a ``LayeredResource``.
protocol LayeredUpdateRequest: LocatingRequest {
    var expectedRevision: Int64 { get set }
    var updateMask: [String] { get set }
    var newName: String { get set }
    var connectionID: String { get set }
    var conf: String { get set }
}

/// The delete request of a ``LayeredResource``.
protocol LayeredDeleteRequest: LocatingRequest {
    var expectedRevision: Int64 { get set }
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

extension Dms_V1_Source: LayeredResource {}
extension Dms_V1_CreateSourceRequest: LayeredCreateRequest {}
extension Dms_V1_ListSourcesRequest: LayeredListRequest {}
extension Dms_V1_UpdateSourceRequest: LayeredUpdateRequest {}
extension Dms_V1_DeleteSourceRequest: LayeredDeleteRequest {}
extension Dms_V1_ListSourcesResponse: LayeredListResponse {
    var items: [Dms_V1_Source] {
        get { sources }
        set { sources = newValue }
    }
}

extension Dms_V1_Target: LayeredResource {}
extension Dms_V1_CreateTargetRequest: LayeredCreateRequest {}
extension Dms_V1_ListTargetsRequest: LayeredListRequest {}
extension Dms_V1_UpdateTargetRequest: LayeredUpdateRequest {}
extension Dms_V1_DeleteTargetRequest: LayeredDeleteRequest {}
extension Dms_V1_ListTargetsResponse: LayeredListResponse {
    var items: [Dms_V1_Target] {
        get { targets }
        set { targets = newValue }
    }
}
