import DMSProto
import SwiftProtobuf

/// A request that names one resource: by `id`, or by `name` in a `namespace` (empty: the call's
/// default namespace, i.e. `-n` or the context's).
protocol LocatingRequest: SwiftProtobuf.Message {
    var id: String { get set }
    var name: String { get set }
    var namespace: String { get set }
}

extension LocatingRequest {
    /// The request for what `selector` names; `namespace` is `-n` (nil: the call's default).
    static func locating(_ selector: ResourceSelectorOptions, namespace: String?) -> Self {
        var request = Self()
        if let id = selector.id {
            request.id = id
        } else {
            request.name = selector.name ?? ""
            request.namespace = namespace ?? ""
        }
        return request
    }

    /// The request for `name` in `namespace`.
    static func named(_ name: String, namespace: String) -> Self {
        var request = Self()
        request.name = name
        request.namespace = namespace
        return request
    }

    /// The request for the resource with `id`.
    static func identified(_ id: String) -> Self {
        var request = Self()
        request.id = id
        return request
    }
}

extension Dms_V1_GetConnectionRequest: LocatingRequest {}
extension Dms_V1_DeleteConnectionRequest: LocatingRequest {}
extension Dms_V1_TestConnectionRequest: LocatingRequest {}
extension Dms_V1_UpgradeConnectionRequest: LocatingRequest {}
extension Dms_V1_UpdateConnectionRequest: LocatingRequest {}
extension Dms_V1_GetSourceRequest: LocatingRequest {}
extension Dms_V1_UpdateSourceRequest: LocatingRequest {}
extension Dms_V1_DeleteSourceRequest: LocatingRequest {}
extension Dms_V1_GetTargetRequest: LocatingRequest {}
extension Dms_V1_UpdateTargetRequest: LocatingRequest {}
extension Dms_V1_DeleteTargetRequest: LocatingRequest {}
extension Dms_V1_GetMigrationJobRequest: LocatingRequest {}
extension Dms_V1_UpdateMigrationJobRequest: LocatingRequest {}
extension Dms_V1_DeleteMigrationJobRequest: LocatingRequest {}
extension Dms_V1_RunJobRequest: LocatingRequest {}
extension Dms_V1_PauseJobRequest: LocatingRequest {}
extension Dms_V1_ResumeJobRequest: LocatingRequest {}
extension Dms_V1_GetTokenRequest: LocatingRequest {}
extension Dms_V1_RevokeTokenRequest: LocatingRequest {}
