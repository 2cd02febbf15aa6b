import DMSProto
import DMSStructuredText

extension Dms_V1_ConnectorType: TableRepresentable {
    /// `TYPE`, `DISPLAY NAME`, `DESCRIPTION`, `LATEST VERSION` lines, then one row per spec version:
    /// `VERSION`, `DEPRECATED`, `SECRET FIELDS`, `CONNECTION FIELDS` (required ones marked `*`).
    public var tableText: String {
        let header = TextTable.keyValues([
            ("type", type),
            ("display name", displayName),
            ("description", description_p),
            ("latest version", String(latestVersion)),
        ])
        let rows = versions.map { spec -> [String] in
            let required = Set(JSONSchemaText.requiredNames(spec.connectionSchema))
            let fields = (JSONSchemaText.propertyNames(spec.connectionSchema) ?? []).map { required.contains($0) ? "\($0)*" : $0 }
            return [
                String(spec.version), spec.deprecated ? "yes" : "no",
                spec.secretFields.isEmpty ? "-" : spec.secretFields.joined(separator: ","),
                fields.isEmpty ? "-" : fields.joined(separator: ","),
            ]
        }
        return header + "\n" + TextTable.columns(["version", "deprecated", "secret fields", "connection fields"], rows)
    }
}

extension Dms_V1_ListConnectorTypesResponse: TableRepresentable {
    /// One row per connector: `TYPE`, `NAME`, `LATEST`, `DESCRIPTION`.
    public var tableText: String {
        TextTable.columns(
            ["type", "name", "latest", "description"],
            connectorTypes.map { [$0.type, $0.displayName, String($0.latestVersion), $0.description_p] })
    }
}
