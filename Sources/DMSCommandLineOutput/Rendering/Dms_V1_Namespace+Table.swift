import DMSProto

extension Dms_V1_Namespace: TableRepresentable {
    /// `NAME`, `DESCRIPTION`, `REVISION`, `CREATED` lines.
    public var tableText: String {
        TextTable.keyValues([
            ("name", name),
            ("description", description_p),
            ("revision", String(revision)),
            ("created", TimestampText.time(createTime, isSet: hasCreateTime)),
        ])
    }
}

extension Dms_V1_ListNamespacesResponse: TableRepresentable {
    /// One row per namespace: `NAME`, `DESCRIPTION`, `REVISION`, `AGE`.
    public var tableText: String {
        TextTable.columns(
            ["name", "description", "revision", "age"],
            namespaces.map { [$0.name, $0.description_p, String($0.revision), TimestampText.age($0.createTime, isSet: $0.hasCreateTime)] })
    }
}
