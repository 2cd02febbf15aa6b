import DMSAPI
import DMSProto
import DMSWire
import SwiftProtobuf

/// The list response of a ``LayeredResource``.
public protocol LayeredListResponse: SwiftProtobuf.Message {
    associatedtype Resource: LayeredResource
    /// The page's resources.
    var items: [Resource] { get set }
    /// The token of the next page; empty on the last.
    var nextPageToken: String { get set }
}

/// The calls and names of one kind of ``LayeredResource``.
public protocol LayeredResourceAPI: Sendable {
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
