import DMSAPI
import DMSProto
import DMSWire

/// Sources: ``LayeredResourceAPI`` over `SourceService`.
public enum SourceAPI: LayeredResourceAPI {
    /// `source`.
    public static let noun = "source"
    /// The spec's `source_schema`.
    public static var specSchema: KeyPath<Dms_V1_ConnectorSpec, String> { \.sourceSchema }
    /// `SourceService.Create…`.
    public static let create = API.SourceService.createSource
    /// `SourceService.Get…`.
    public static let get = API.SourceService.getSource
    /// `SourceService.List…`.
    public static let list = API.SourceService.listSources
    /// `SourceService.Update…`.
    public static let update = API.SourceService.updateSource
    /// `SourceService.Delete…`.
    public static let delete = API.SourceService.deleteSource
}

extension Dms_V1_ListSourcesResponse: LayeredListResponse {
    /// `sources`.
    public var items: [Dms_V1_Source] {
        get { sources }
        set { sources = newValue }
    }
}
