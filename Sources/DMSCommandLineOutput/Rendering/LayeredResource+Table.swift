import DMSAPI
import DMSProto

extension LayeredResource {
    /// `NAME`, `ID`, `NAMESPACE`, `CONNECTION`, `REVISION`, `CREATED`, `UPDATED`, `OVERRIDES` lines;
    /// the connection by name when known.
    public func detailTable(connectionName: String?) -> String {
        TextTable.keyValues(detailPairs(connectionName: connectionName) + [("overrides", overrides)])
    }

    /// The identifying lines of ``detailTable(connectionName:)``, without the overrides.
    public func detailPairs(connectionName: String?) -> [(key: String, value: String)] {
        [
            ("name", name),
            ("id", id),
            ("namespace", namespace),
            ("connection", connectionName.map { "\($0) (\(connectionID))" } ?? connectionID),
            ("revision", String(revision)),
            ("created", TimestampText.time(createTime, isSet: hasCreateTime)),
            ("updated", TimestampText.time(updateTime, isSet: hasUpdateTime)),
        ]
    }

    /// One row per resource: `NAME`, `NAMESPACE`, `CONNECTION`, `REVISION`, `AGE`.
    public static func listTable(_ resources: [Self], connectionNames: [String: String]) -> String {
        TextTable.columns(
            ["name", "namespace", "connection", "revision", "age"],
            resources.map {
                [
                    $0.name, $0.namespace, connectionNames[$0.connectionID] ?? $0.connectionID, String($0.revision),
                    TimestampText.age($0.createTime, isSet: $0.hasCreateTime),
                ]
            })
    }
}
