import DMSAPI
import DMSProto
import SwiftProtobuf

extension LocatingRequest {
    /// The request for the resource with `id` if given, else for `name` in `namespace` (nil: the
    /// call's default).
    public static func locating(id: String?, name: String?, namespace: String?) -> Self {
        var request = Self()
        if let id {
            request.id = id
        } else {
            request.name = name ?? ""
            request.namespace = namespace ?? ""
        }
        return request
    }

    /// The request for `name` in `namespace`.
    public static func named(_ name: String, namespace: String) -> Self {
        var request = Self()
        request.name = name
        request.namespace = namespace
        return request
    }

    /// The request for the resource with `id`.
    public static func identified(_ id: String) -> Self {
        var request = Self()
        request.id = id
        return request
    }
}

