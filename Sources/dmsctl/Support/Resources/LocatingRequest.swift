import DMSAPI
import DMSProto
import SwiftProtobuf

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

