/// The connector types a dmsd knows, each with every version of its spec.
///
/// ```swift
/// let postgres = try ConnectorCatalog.builtIn.spec(type: "postgres", version: 0)  // the latest
/// let problems = postgres.validateConnection(try JSONValue(parsing: text))
/// ```
public struct ConnectorCatalog: Sendable {
    /// Every type, sorted by ``ConnectorType/type``.
    public let types: [ConnectorType]

    /// A catalog of the given types, which it sorts by name.
    ///
    /// - Precondition: no two types share a name.
    public init(types: [ConnectorType]) {
        precondition(Set(types.map(\.type)).count == types.count, "connector type names must be unique")
        self.types = types.sorted { JSONValue.codePointOrder($0.type, $1.type) }
    }

    /// The type named `name` (e.g. `postgres`), or nil when the catalog has none.
    public func type(named name: String) -> ConnectorType? {
        types.first { $0.type == name }
    }

    /// The spec of `version` of the type named `type`; version 0 means the latest.
    ///
    /// - Throws: ``CatalogError`` ``CatalogError/Code/unknownConnectorType`` or
    ///   ``CatalogError/Code/unknownVersion``.
    public func spec(type: String, version: Int) throws(CatalogError) -> ConnectorSpec {
        let connector = try connectorType(type)
        if version == 0 { return connector.latest }
        guard let spec = connector.spec(version: version) else {
            throw CatalogError(.unknownVersion, "\(type) has no spec version \(version) (versions 1 to \(connector.latestVersion))")
        }
        return spec
    }

    /// Carries a Connection's configuration of type `type` from spec version `from` to version
    /// `to` (0: the latest); see ``ConnectorType/upgrade(_:from:to:)``.
    public func upgrade(_ schema: [String: JSONValue], type: String, from: Int, to: Int) throws(CatalogError) -> [String: JSONValue] {
        let connector = try connectorType(type)
        return try connector.upgrade(schema, from: from, to: to == 0 ? connector.latestVersion : to)
    }

    private func connectorType(_ name: String) throws(CatalogError) -> ConnectorType {
        guard let connector = type(named: name) else {
            let known = types.map(\.type).joined(separator: ", ")
            throw CatalogError(.unknownConnectorType, "unknown connector type \(JSONValue.string(name).serialized()); known: \(known)")
        }
        return connector
    }
}
