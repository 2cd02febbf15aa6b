/// Connector types from their JSON definitions, the form of the spec files in `Specs/`:
///
/// ```json
/// {"type": "postgres", "display_name": "PostgreSQL", "description": "…",
///  "versions": [{"version": 1, "deprecated": true, "secret_fields": ["password"],
///                "upgrade_from_previous": {"renamed_fields": {"sslmode": "ssl_mode"}, "removed_fields": []},
///                "connection_schema": {…}, "source_schema": "database_source", "target_schema": {…}}]}
/// ```
///
/// A schema given as a string names one of the shared schemas.
extension ConnectorType {
    /// A connector type from its JSON definition.
    ///
    /// - Parameters:
    ///   - definition: The definition object.
    ///   - sharedSchemas: Schemas a version may name instead of spelling them out.
    /// - Throws: ``CatalogError`` ``CatalogError/Code/invalidDefinition`` naming the first problem:
    ///   an unknown or missing key, versions not numbered 1, 2, 3, …, a deprecated latest version,
    ///   a secret or renamed field that is not a connection field, an unknown shared schema.
    public init(definition: JSONValue, sharedSchemas: [String: JSONValue] = [:]) throws(CatalogError) {
        var reader = DefinitionReader(sharedSchemas: sharedSchemas)
        let root = try reader.object(definition, at: "", keys: ["type", "display_name", "description", "versions"])
        let type = try reader.text(root["type"], at: "type")
        reader.name = type
        if let problem = ResourceName.validate(type) { throw reader.failure("type", problem) }
        let displayName = try reader.text(root["display_name"], at: "display_name")
        let description = try reader.text(root["description"], at: "description")
        guard let list = root["versions"]?.arrayValue, !list.isEmpty else {
            throw reader.failure("versions", "must be a non-empty array")
        }
        var versions: [ConnectorSpec] = []
        for (index, entry) in list.enumerated() {
            versions.append(try reader.spec(entry, number: index + 1, previous: versions.last, at: "versions[\(index)]"))
        }
        if versions[versions.count - 1].deprecated {
            throw reader.failure("versions[\(versions.count - 1)].deprecated", "the latest version cannot be deprecated")
        }
        self.init(type: type, displayName: displayName, description: description, versions: versions)
    }
}

/// Reads the parts of a definition, failing with the path of the first problem.
private struct DefinitionReader {
    let sharedSchemas: [String: JSONValue]
    var name = ""

    func spec(_ entry: JSONValue, number: Int, previous: ConnectorSpec?, at path: String) throws(CatalogError) -> ConnectorSpec {
        let keys: Set<String> = [
            "version", "deprecated", "secret_fields", "upgrade_from_previous", "connection_schema", "source_schema",
            "target_schema",
        ]
        let members = try object(entry, at: path, keys: keys)
        guard members["version"] == .integer(Int64(number)) else {
            throw failure("\(path).version", "must be \(number): versions are numbered 1, 2, 3, … in order")
        }
        let connectionSchema = try schema(members["connection_schema"], at: "\(path).connection_schema")
        let connectionFields = JSONSchema(connectionSchema).propertyNames
        let secretFields = try names(members["secret_fields"] ?? [], at: "\(path).secret_fields")
        for field in secretFields where !connectionFields.contains(field) {
            throw failure("\(path).secret_fields", "\(field) is not a connection field")
        }
        var deprecated = false
        if let flag = members["deprecated"] {
            guard let value = flag.boolValue else { throw failure("\(path).deprecated", "must be a boolean") }
            deprecated = value
        }
        var upgrade = ConnectorSpec.Upgrade()
        if let step = members["upgrade_from_previous"] {
            guard let previous else { throw failure("\(path).upgrade_from_previous", "version 1 has no previous version") }
            upgrade = try self.upgrade(step, previous: previous, connectionFields: connectionFields, at: "\(path).upgrade_from_previous")
        }
        return ConnectorSpec(
            version: number,
            connectionSchema: connectionSchema,
            sourceSchema: try schema(members["source_schema"], at: "\(path).source_schema"),
            targetSchema: try schema(members["target_schema"], at: "\(path).target_schema"),
            secretFields: secretFields,
            deprecated: deprecated,
            upgradeFromPrevious: upgrade
        )
    }

    func upgrade(_ step: JSONValue, previous: ConnectorSpec, connectionFields: Set<String>, at path: String) throws(CatalogError) -> ConnectorSpec.Upgrade {
        let members = try object(step, at: path, keys: ["renamed_fields", "removed_fields"])
        let renames = try object(members["renamed_fields"] ?? [:], at: "\(path).renamed_fields", keys: nil)
        var renamedFields: [String: String] = [:]
        for (old, new) in renames {
            guard let new = new.stringValue, connectionFields.contains(new), previous.connectionFields.contains(old) else {
                throw failure("\(path).renamed_fields.\(old)", "must rename a field of the previous version to a field of this one")
            }
            renamedFields[old] = new
        }
        let removedFields = try names(members["removed_fields"] ?? [], at: "\(path).removed_fields")
        for field in removedFields where !previous.connectionFields.contains(field) {
            throw failure("\(path).removed_fields", "\(field) is not a field of the previous version")
        }
        return ConnectorSpec.Upgrade(renamedFields: renamedFields, removedFields: removedFields)
    }

    func schema(_ value: JSONValue?, at path: String) throws(CatalogError) -> JSONValue {
        switch value {
        case .object: return value!
        case .string(let shared):
            guard let schema = sharedSchemas[shared] else { throw failure(path, "names no shared schema \(shared)") }
            return schema
        default: throw failure(path, "must be a schema object or the name of a shared schema")
        }
    }

    func object(_ value: JSONValue, at path: String, keys: Set<String>?) throws(CatalogError) -> [String: JSONValue] {
        guard let members = value.objectValue else { throw failure(path, "must be an object") }
        if let keys, let unknown = members.keys.filter({ !keys.contains($0) }).sorted().first {
            throw failure(path.isEmpty ? unknown : "\(path).\(unknown)", "unknown key")
        }
        return members
    }

    func text(_ value: JSONValue?, at path: String) throws(CatalogError) -> String {
        guard let text = value?.stringValue, !text.isEmpty else { throw failure(path, "must be a non-empty string") }
        return text
    }

    func names(_ value: JSONValue, at path: String) throws(CatalogError) -> [String] {
        guard let list = value.arrayValue, case let names = list.compactMap(\.stringValue), names.count == list.count else {
            throw failure(path, "must be an array of field names")
        }
        return names
    }

    func failure(_ path: String, _ reason: String) -> CatalogError {
        let subject = name.isEmpty ? "connector definition" : "connector \(name)"
        return CatalogError(.invalidDefinition, "\(subject): \(path): \(reason)")
    }
}
