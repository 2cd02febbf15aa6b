/// What dmsctl reads from a connector's JSON Schema text: its property names.
enum JSONSchemaText {
    /// The keys of the schema's top-level `properties`, in order; `nil` when it has none or does
    /// not parse.
    static func propertyNames(_ schema: String) -> [String]? {
        guard case .object(let root)? = try? JSONParser.parse(schema),
            case .object(let properties)? = root["properties"]
        else { return nil }
        return properties.keys
    }

    /// The keys of the schema's top-level `required`, in order; empty when none.
    static func requiredNames(_ schema: String) -> [String] {
        guard case .object(let root)? = try? JSONParser.parse(schema), case .array(let names)? = root["required"] else {
            return []
        }
        return names.compactMap(\.stringValue)
    }
}

extension JSONSchemaText {
    /// The `default` of each top-level property that has one, in order; empty when none or when
    /// the schema does not parse.
    static func defaults(_ schema: String) -> JSONObject {
        guard case .object(let root)? = try? JSONParser.parse(schema), case .object(let properties)? = root["properties"] else {
            return JSONObject()
        }
        var defaults = JSONObject()
        for (name, property) in properties.entries {
            if case .object(let definition) = property, let value = definition["default"] { defaults[name] = value }
        }
        return defaults
    }

    /// `object` without the fields whose value is their default: what the server shows filled
    /// in, taken back out so that sending the object back does not pin them.
    static func removingDefaults(_ object: JSONObject, defaults: JSONObject) -> JSONObject {
        var result = object
        for (key, value) in object.entries where defaults[key] == value { result[key] = nil }
        return result
    }
}
