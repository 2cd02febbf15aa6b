import DMSCatalog

/// What dmsctl reads from a connector's JSON Schema, which the server sends as text: its property
/// names, required names and defaults. Text that does not parse reads as a schema without any.
public enum JSONSchemaText {
    /// The keys of the schema's top-level `properties`, sorted; `nil` when it has none or does
    /// not parse.
    public static func propertyNames(_ schema: String) -> [String]? {
        guard let value = try? JSONValue(parsing: schema), value["properties"]?.objectValue != nil else { return nil }
        return JSONSchema(value).propertyNames.sorted()
    }

    /// The names in the schema's top-level `required`, in order; empty when none.
    public static func requiredNames(_ schema: String) -> [String] {
        (try? JSONValue(parsing: schema))?["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}

extension JSONSchemaText {
    /// The `default` of each top-level property that has one; empty when none or when the schema
    /// does not parse.
    public static func defaults(_ schema: String) -> [String: JSONValue] {
        (try? JSONValue(parsing: schema)).map { JSONSchema($0).propertyDefaults } ?? [:]
    }

    /// `object` without the fields whose value is their default: what the server shows filled
    /// in, taken back out so that sending the object back does not pin them.
    public static func removingDefaults(_ object: [String: JSONValue], defaults: [String: JSONValue]) -> [String: JSONValue] {
        object.filter { key, value in !(defaults[key].map(value.isEquivalent) ?? false) }
    }
}
