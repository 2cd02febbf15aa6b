import DMSCatalog
import DMSProto

extension Dms_V1_ConnectorType {
    /// A connection `schema` of spec version `from` carried forward to version `to` as the server
    /// carries it when an upgrade names no schema: each version's renames, then its removals, in
    /// turn (``ConnectorSpec/Upgrade/carry(_:)``). Versions this message does not hold change
    /// nothing.
    public func carry(_ schema: [String: JSONValue], from: Int32, to: Int32) -> [String: JSONValue] {
        versions
            .filter { $0.version > from && $0.version <= to }
            .sorted { $0.version < $1.version }
            .reduce(schema) { schema, version in
                ConnectorSpec.Upgrade(renamedFields: version.renamedFromPrevious, removedFields: version.removedFromPrevious).carry(schema)
            }
    }
}
