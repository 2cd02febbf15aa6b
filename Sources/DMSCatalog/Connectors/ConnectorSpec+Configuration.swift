/// Validation and inheritance of configurations: a Connection's, and a Source's or Target's,
/// whose effective configuration is the Connection's with the spec's defaults and its own
/// overrides laid over it, field by field (an override replaces a whole top-level field; objects
/// such as `properties` are not merged).
extension ConnectorSpec {
    /// Every violation of the connection schema by a Connection's configuration: not an object,
    /// unknown fields, wrong types, missing required fields, values out of range. Empty when valid.
    public func validateConnection(_ schema: JSONValue) -> [Violation] {
        JSONSchema(connectionSchema).validate(schema)
    }

    /// A Connection's configuration with the connection schema's defaults added for the fields it
    /// does not set.
    public func effectiveConnection(_ schema: [String: JSONValue]) -> [String: JSONValue] {
        schema.merging(connectionDefaults) { given, _ in given }
    }

    /// Every violation by a Source's or Target's overrides, given its Connection's configuration.
    ///
    /// The overrides must be an object, each key a connection field or a field of the role's
    /// schema (else `unknown field`). The effective configuration (see
    /// ``effectiveConf(connection:overrides:role:)``) is then validated against
    /// ``combinedSchema(_:)``, so a wrong type on an overridden connection field is reported,
    /// required fields may come from either side, and the role's rules (one of `table`, `tables`
    /// and `query`; `key_columns` with mode `upsert`) hold. Paths are the overrides' keys.
    ///
    /// Call it on the spec of the version the Connection follows, with the Connection's stored
    /// configuration (secrets in the clear or not: they are not looked at beyond their type).
    public func validateOverrides(_ overrides: JSONValue, role: Role, connection: [String: JSONValue]) -> [Violation] {
        guard let members = overrides.objectValue else {
            return [Violation(path: "", reason: "must be an object, got \(overrides.typeName)")]
        }
        let conf = effectiveConf(connection: connection, overrides: members, role: role)
        return JSONSchema(combinedSchema(role)).validate(.object(conf.values))
    }

    /// The effective configuration of a Source or Target and the origin of each field: the
    /// Connection's fields (``EffectiveConf/FieldOrigin/inherited``), then the overrides
    /// (``EffectiveConf/FieldOrigin/overridden``), then the defaults of the connection and role
    /// schemas for fields still unset (``EffectiveConf/FieldOrigin/defaulted``). Every field of
    /// the Connection's configuration is present.
    public func effectiveConf(connection: [String: JSONValue], overrides: [String: JSONValue], role: Role) -> EffectiveConf {
        var values = connection
        var origin = connection.mapValues { _ in EffectiveConf.FieldOrigin.inherited }
        for (name, value) in overrides {
            values[name] = value
            origin[name] = .overridden
        }
        let defaults = connectionDefaults.merging(role == .source ? sourceDefaults : targetDefaults) { connectionDefault, _ in connectionDefault }
        for (name, value) in defaults where values[name] == nil {
            values[name] = value
            origin[name] = .defaulted
        }
        return EffectiveConf(values: values, origin: origin)
    }

    /// The schema of a Source's or Target's effective configuration: an object whose properties
    /// are the connection's and the role's, requiring what either requires, with no other fields,
    /// and holding both schemas' other rules (`oneOf`, `not`, `if`/`then`, …) through `allOf`.
    public func combinedSchema(_ role: Role) -> JSONValue {
        let connection = connectionSchema.objectValue ?? [:]
        let own = schema(role.part).objectValue ?? [:]
        let properties = (connection["properties"]?.objectValue ?? [:])
            .merging(own["properties"]?.objectValue ?? [:]) { _, roleProperty in roleProperty }
        var required: [JSONValue] = []
        for name in (connection["required"]?.arrayValue ?? []) + (own["required"]?.arrayValue ?? []) where !required.contains(name) {
            required.append(name)
        }
        let shapeKeywords: Set<String> = [
            "type", "properties", "required", "additionalProperties", "title", "description", "default", "examples",
            "$schema", "$id", "$comment",
        ]
        let rules = [connection, own]
            .map { $0.filter { !shapeKeywords.contains($0.key) } }
            .filter { !$0.isEmpty }
            .map(JSONValue.object)
        var combined: [String: JSONValue] = [
            "type": "object",
            "title": .string("\(role.rawValue.capitalized) configuration"),
            "description": .string("The connection's fields and the \(role.rawValue)'s own fields."),
            "properties": .object(properties),
            "additionalProperties": false,
        ]
        if !required.isEmpty { combined["required"] = .array(required) }
        if !rules.isEmpty { combined["allOf"] = .array(rules) }
        return .object(combined)
    }
}
