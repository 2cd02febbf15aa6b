/// A JSON Schema, for the subset of keywords the connector specs use, and validation against it.
///
/// Keywords validated: `type` (one name or a list), `enum`, `const`, `minimum`, `maximum`,
/// `exclusiveMinimum`, `exclusiveMaximum`, `minLength`, `maxLength` (in code points), `pattern`
/// (an `NSRegularExpression`, searched anywhere unless the pattern anchors itself), `items`,
/// `minItems`, `maxItems`, `uniqueItems`, `properties`, `required`, `additionalProperties` (`false`
/// or a schema), `dependentRequired`, `allOf`, `anyOf`, `oneOf`, `not` and `if`/`then`/`else`.
/// Annotations (`title`, `description`, `default`, `examples`, `$comment`, …) are not validated.
///
/// Two choices are stricter than the JSON Schema standard: `"type": "integer"` accepts only
/// numbers written as integers (`5432`, not `5432.0`), and when a value has the wrong `type` no
/// other keyword is checked against it, so each wrong value is reported once.
///
/// ```swift
/// let schema: JSONValue = ["type": "object", "properties": ["port": ["type": "integer"]]]
/// JSONSchema(schema).validate(["port": "5432"])
/// // [port: must be an integer, got string]
/// ```
public struct JSONSchema: Sendable, Hashable {
    /// The schema document.
    public let value: JSONValue

    /// The schema `value`; see ``problems(conventions:)`` to check that it is well formed.
    public init(_ value: JSONValue) {
        self.value = value
    }

    /// Every violation of the schema by `instance`, sorted by path then reason, without
    /// duplicates; empty when `instance` is valid.
    public func validate(_ instance: JSONValue) -> [Violation] {
        Array(Set(SchemaValidator.violations(of: instance, against: value, at: .root))).sorted()
    }

    /// Every violation of `schema` by `value` (see ``validate(_:)``).
    public static func validate(_ value: JSONValue, against schema: JSONValue) -> [Violation] {
        JSONSchema(schema).validate(value)
    }

    /// The names in the top-level `properties`.
    public var propertyNames: Set<String> {
        Set(value["properties"]?.objectValue?.keys ?? [:].keys)
    }

    /// The `default` of each top-level property that has one.
    public var propertyDefaults: [String: JSONValue] {
        (value["properties"]?.objectValue ?? [:]).compactMapValues { $0["default"] }
    }
}
