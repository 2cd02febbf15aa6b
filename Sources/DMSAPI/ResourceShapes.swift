import DMSProto
import SwiftProtobuf

// Shapes that several generated messages share, so that servers and clients can treat them alike
// (written by hand, beside the generated method catalog).

/// A request that names one resource: by `id`, or by `name` within `namespace`.
public protocol LocatingRequest: SwiftProtobuf.Message {
    var id: String { get set }
    var name: String { get set }
    var namespace: String { get set }
}

/// A request that carries the revision its client read; it fails with ABORTED if the resource
/// changed since.
public protocol RevisionCheckedRequest: SwiftProtobuf.Message {
    var expectedRevision: Int64 { get set }
}

/// A resource that extends a Connection with its own fields: a Source or a Target. Both have the
/// same fields and the same calls, so one set of code serves both.
public protocol LayeredResource: SwiftProtobuf.Message, Sendable {
    var id: String { get set }
    var name: String { get set }
    var namespace: String { get set }
    var connectionID: String { get set }
    /// The effective configuration (JSON text): the connection's fields with the resource's own
    /// laid over them.
    var conf: String { get set }
    /// The resource's own fields (JSON text).
    var overrides: String { get set }
    var revision: Int64 { get set }
    var createTime: Google_Protobuf_Timestamp { get set }
    var hasCreateTime: Bool { get }
    var updateTime: Google_Protobuf_Timestamp { get set }
    var hasUpdateTime: Bool { get }
}

/// The create request of a ``LayeredResource``.
public protocol LayeredCreateRequest: SwiftProtobuf.Message {
    var name: String { get set }
    var namespace: String { get set }
    var connectionID: String { get set }
    var conf: String { get set }
}

/// The list request of a ``LayeredResource``.
public protocol LayeredListRequest: SwiftProtobuf.Message {
    var namespace: String { get set }
    var namePrefix: String { get set }
    var connectionID: String { get set }
    var pageSize: Int32 { get set }
    var pageToken: String { get set }
}

/// The update request of a ``LayeredResource``.
public protocol LayeredUpdateRequest: LocatingRequest, RevisionCheckedRequest {
    var updateMask: [String] { get set }
    var newName: String { get set }
    var connectionID: String { get set }
    var conf: String { get set }
}

/// The delete request of a ``LayeredResource``.
public protocol LayeredDeleteRequest: LocatingRequest, RevisionCheckedRequest {}

extension Dms_V1_GetConnectionRequest: LocatingRequest {}
extension Dms_V1_DeleteConnectionRequest: LocatingRequest {}
extension Dms_V1_TestConnectionRequest: LocatingRequest {}
extension Dms_V1_UpgradeConnectionRequest: LocatingRequest {}
extension Dms_V1_UpdateConnectionRequest: LocatingRequest {}
extension Dms_V1_GetMigrationJobRequest: LocatingRequest {}
extension Dms_V1_UpdateMigrationJobRequest: LocatingRequest {}
extension Dms_V1_DeleteMigrationJobRequest: LocatingRequest {}
extension Dms_V1_RunJobRequest: LocatingRequest {}
extension Dms_V1_PauseJobRequest: LocatingRequest {}
extension Dms_V1_ResumeJobRequest: LocatingRequest {}
extension Dms_V1_GetTokenRequest: LocatingRequest {}
extension Dms_V1_RevokeTokenRequest: LocatingRequest {}

extension Dms_V1_Source: LayeredResource {}
extension Dms_V1_GetSourceRequest: LocatingRequest {}
extension Dms_V1_CreateSourceRequest: LayeredCreateRequest {}
extension Dms_V1_ListSourcesRequest: LayeredListRequest {}
extension Dms_V1_UpdateSourceRequest: LayeredUpdateRequest {}
extension Dms_V1_DeleteSourceRequest: LayeredDeleteRequest {}

extension Dms_V1_Target: LayeredResource {}
extension Dms_V1_GetTargetRequest: LocatingRequest {}
extension Dms_V1_CreateTargetRequest: LayeredCreateRequest {}
extension Dms_V1_ListTargetsRequest: LayeredListRequest {}
extension Dms_V1_UpdateTargetRequest: LayeredUpdateRequest {}
extension Dms_V1_DeleteTargetRequest: LayeredDeleteRequest {}
