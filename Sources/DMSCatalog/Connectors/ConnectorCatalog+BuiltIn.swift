extension ConnectorCatalog {
    /// The connectors that ship with dmsd: `file`, `hive`, `jdbc`, `mysql`, `postgres` (versions
    /// 1 and 2) and `sqlite`, from the spec files in `Specs/` compiled into the module.
    public static let builtIn: ConnectorCatalog = {
        do {
            return try loadBuiltIn()
        } catch {
            // The spec files are part of the program; the catalog tests load every one of them.
            fatalError("built-in connector specs are broken: \(error)")
        }
    }()

    /// The spec files, one connector type each.
    private static let builtInDefinitions: [[UInt8]] = [
        PackageResources.file_json,
        PackageResources.hive_json,
        PackageResources.jdbc_json,
        PackageResources.mysql_json,
        PackageResources.postgres_json,
        PackageResources.sqlite_json,
    ]

    /// Schemas several definitions share, by the name they use for them.
    private static let builtInSharedSchemas: [String: [UInt8]] = [
        "database_source": PackageResources.database_source_json,
        "database_target": PackageResources.database_target_json,
    ]

    static func loadBuiltIn() throws(CatalogError) -> ConnectorCatalog {
        var shared: [String: JSONValue] = [:]
        for (name, bytes) in builtInSharedSchemas {
            shared[name] = try JSONValue(parsing: String(decoding: bytes, as: UTF8.self))
        }
        var types: [ConnectorType] = []
        for bytes in builtInDefinitions {
            let definition = try JSONValue(parsing: String(decoding: bytes, as: UTF8.self))
            types.append(try ConnectorType(definition: definition, sharedSchemas: shared))
        }
        return ConnectorCatalog(types: types)
    }
}
