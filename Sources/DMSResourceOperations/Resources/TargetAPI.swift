import DMSAPI
import DMSProto
import DMSWire

/// Targets: ``LayeredResourceAPI`` over `TargetService`.
public enum TargetAPI: LayeredResourceAPI {
    /// `target`.
    public static let noun = "target"
    /// The spec's `target_schema`.
    public static var specSchema: KeyPath<Dms_V1_ConnectorSpec, String> { \.targetSchema }
    /// `TargetService.Create…`.
    public static let create = API.TargetService.createTarget
    /// `TargetService.Get…`.
    public static let get = API.TargetService.getTarget
    /// `TargetService.List…`.
    public static let list = API.TargetService.listTargets
    /// `TargetService.Update…`.
    public static let update = API.TargetService.updateTarget
    /// `TargetService.Delete…`.
    public static let delete = API.TargetService.deleteTarget
}

extension Dms_V1_ListTargetsResponse: LayeredListResponse {
    /// `targets`.
    public var items: [Dms_V1_Target] {
        get { targets }
        set { targets = newValue }
    }
}
