import DMSProto

extension Dms_V1_Connection: TableRepresentable {
    /// `NAME`, `ID`, `NAMESPACE`, `TYPE`, `VERSION`, `REVISION`, `CREATED`, `UPDATED`, `SCHEMA`
    /// lines; the schema as compact JSON, secrets as the server shows them.
    public var tableText: String {
        TextTable.keyValues([
            ("name", name),
            ("id", id),
            ("namespace", namespace),
            ("type", type),
            ("version", String(version)),
            ("revision", String(revision)),
            ("created", TimestampText.time(createTime, isSet: hasCreateTime)),
            ("updated", TimestampText.time(updateTime, isSet: hasUpdateTime)),
            ("schema", schema),
        ])
    }
}

extension Dms_V1_ListConnectionsResponse: TableRepresentable {
    /// One row per connection: `NAME`, `NAMESPACE`, `TYPE`, `VERSION`, `REVISION`, `AGE`.
    public var tableText: String {
        TextTable.columns(
            ["name", "namespace", "type", "version", "revision", "age"],
            connections.map {
                [
                    $0.name, $0.namespace, $0.type, String($0.version), String($0.revision),
                    TimestampText.age($0.createTime, isSet: $0.hasCreateTime),
                ]
            })
    }
}

extension Dms_V1_TestConnectionResponse: TableRepresentable {
    /// `RESULT` (`ok` or `failed`), `MESSAGE`, `LATENCY`, `SERVER VERSION` lines.
    public var tableText: String {
        TextTable.keyValues([
            ("result", ok ? "ok" : "failed"),
            ("message", message),
            ("latency", "\((latencyMs * 10).rounded() / 10) ms"),
            ("server version", serverVersion.isEmpty ? "-" : serverVersion),
        ])
    }
}
