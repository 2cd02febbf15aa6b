extension JSONSchema {
    /// House rules a schema may be held to beyond being well formed.
    public struct Conventions: OptionSet, Sendable, Hashable {
        /// The rule bits.
        public let rawValue: Int

        /// Conventions from their bits.
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// Every property schema has a non-empty `description` (clients render help text from it).
        public static let describedProperties = Conventions(rawValue: 1 << 0)
        /// Every object schema says what it does with `additionalProperties` (`false`, or a schema
        /// for maps).
        public static let explicitAdditionalProperties = Conventions(rawValue: 1 << 1)
        /// The rules every built-in connector spec follows.
        public static let connectorSpecs: Conventions = [.describedProperties, .explicitAdditionalProperties]
    }

    /// What is wrong with the schema itself: unknown or ill-typed keywords, patterns that do not
    /// compile, empty or repeated `enum` lists, `minimum` above `maximum`, `required` names missing
    /// from a closed object's `properties`, and `default` values the schema would refuse; plus any
    /// broken `conventions`. Paths are relative to the schema document (`properties.port.default`).
    /// Empty when the schema is sound.
    public func problems(conventions: Conventions = []) -> [Violation] {
        Array(Set(SchemaLint(conventions: conventions).problems(in: value, at: .root))).sorted()
    }
}

/// The checks behind ``JSONSchema/problems(conventions:)``. Conventions apply to the schemas that
/// describe data (the root, `properties`, `items`, `additionalProperties`), not to the conditions
/// inside `allOf`, `anyOf`, `oneOf`, `not` and `if`/`then`/`else`.
private struct SchemaLint {
    var conventions: JSONSchema.Conventions

    static let typeNames: Set<String> = ["null", "boolean", "integer", "number", "string", "array", "object"]
    static let annotationKeywords: Set<String> = [
        "$schema", "$id", "$comment", "title", "description", "default", "examples", "readOnly", "writeOnly", "deprecated",
    ]
    static let validationKeywords: Set<String> = [
        "type", "enum", "const", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength",
        "pattern", "items", "minItems", "maxItems", "uniqueItems", "properties", "required", "additionalProperties",
        "dependentRequired", "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
    ]

    func problems(in schema: JSONValue, at path: JSONPath) -> [Violation] {
        switch schema {
        case .bool: return []
        case .object(let keywords): return problems(inKeywords: keywords, of: schema, at: path)
        default: return [problem(path, "must be a schema (an object or a boolean), got \(schema.typeName)")]
        }
    }

    private func problems(inKeywords keywords: [String: JSONValue], of schema: JSONValue, at path: JSONPath) -> [Violation] {
        var found: [Violation] = []
        for (keyword, value) in keywords {
            let here = path.appending(key: keyword)
            guard Self.annotationKeywords.contains(keyword) || Self.validationKeywords.contains(keyword) else {
                found.append(problem(here, "unknown keyword"))
                continue
            }
            found += problems(ofKeyword: keyword, value, in: keywords, at: here)
        }
        if let minimum = keywords["minimum"], let maximum = keywords["maximum"],
            SchemaValidator.compareNumbers(minimum, maximum) == .greater
        {
            found.append(problem(path.appending(key: "minimum"), "must not exceed maximum"))
        }
        if let defaultValue = keywords["default"] {
            found += SchemaValidator.violations(of: defaultValue, against: schema, at: .root).map {
                problem(path.appending(key: "default"), "is invalid: \($0)")
            }
        }
        let isObjectSchema = keywords["type"] == "object" || keywords["properties"] != nil
        if conventions.contains(.explicitAdditionalProperties), isObjectSchema, keywords["additionalProperties"] == nil {
            found.append(problem(path, "must say additionalProperties (false, or a schema for a map)"))
        }
        return found
    }

    private func problems(ofKeyword keyword: String, _ value: JSONValue, in keywords: [String: JSONValue], at path: JSONPath) -> [Violation] {
        switch keyword {
        case "type":
            let names = value.arrayValue ?? [value]
            if names.isEmpty { return [problem(path, "must not be empty")] }
            if Set(names).count != names.count { return [problem(path, "must not repeat a type")] }
            return names.compactMap { name in
                guard let name = name.stringValue else { return problem(path, "must be a type name or a list of them") }
                return Self.typeNames.contains(name) ? nil : problem(path, "unknown type \(name)")
            }
        case "enum":
            guard let values = value.arrayValue, !values.isEmpty else { return [problem(path, "must be a non-empty array")] }
            let repeated = values.indices.contains { index in
                values[..<index].contains { SchemaValidator.jsonEqual($0, values[index]) }
            }
            return repeated ? [problem(path, "must not repeat a value")] : []
        case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
            return value.doubleValue == nil ? [problem(path, "must be a number")] : []
        case "minLength", "maxLength", "minItems", "maxItems":
            guard let count = value.integerValue, count >= 0 else { return [problem(path, "must be a non-negative integer")] }
            return []
        case "pattern":
            guard let pattern = value.stringValue else { return [problem(path, "must be a string")] }
            return SchemaValidator.compile(pattern) == nil ? [problem(path, "is not a valid regular expression")] : []
        case "uniqueItems", "readOnly", "writeOnly", "deprecated":
            return value.boolValue == nil ? [problem(path, "must be a boolean")] : []
        case "title", "description", "$comment", "$schema", "$id":
            guard let text = value.stringValue else { return [problem(path, "must be a string")] }
            return text.isEmpty ? [problem(path, "must not be empty")] : []
        case "examples":
            return value.arrayValue == nil ? [problem(path, "must be an array")] : []
        case "properties":
            return problems(inProperties: value, at: path)
        case "required":
            return problems(inRequired: value, in: keywords, at: path)
        case "dependentRequired":
            guard let members = value.objectValue else { return [problem(path, "must be an object")] }
            return members.compactMap { name, needed in
                needed.arrayValue?.allSatisfy({ $0.stringValue != nil }) == true
                    ? nil : problem(path.appending(key: name), "must be an array of field names")
            }
        case "allOf", "anyOf", "oneOf":
            guard let branches = value.arrayValue, !branches.isEmpty else { return [problem(path, "must be a non-empty array")] }
            return branches.enumerated().flatMap { withoutConventions.problems(in: $1, at: path.appending(index: $0)) }
        case "not", "if", "then", "else":
            return withoutConventions.problems(in: value, at: path)
        case "items", "additionalProperties":
            return problems(in: value, at: path)
        default:  // const, default: any value (default is checked against its schema by the caller)
            return []
        }
    }

    private func problems(inProperties value: JSONValue, at path: JSONPath) -> [Violation] {
        guard let properties = value.objectValue else { return [problem(path, "must be an object")] }
        var found: [Violation] = []
        for (name, schema) in properties {
            let here = path.appending(key: name)
            found += problems(in: schema, at: here)
            if conventions.contains(.describedProperties), (schema["description"]?.stringValue ?? "").isEmpty {
                found.append(problem(here, "has no description"))
            }
        }
        return found
    }

    private func problems(inRequired value: JSONValue, in keywords: [String: JSONValue], at path: JSONPath) -> [Violation] {
        guard let names = value.arrayValue?.compactMap(\.stringValue), names.count == value.arrayValue?.count else {
            return [problem(path, "must be an array of field names")]
        }
        if Set(names).count != names.count { return [problem(path, "must not repeat a field")] }
        guard keywords["additionalProperties"] == .bool(false) else { return [] }
        let known = keywords["properties"]?.objectValue ?? [:]
        return names.filter { known[$0] == nil }.map { problem(path, "names \($0), which is not in properties") }
    }

    /// The same checks with no conventions, for conditions.
    private var withoutConventions: SchemaLint {
        var lint = self
        lint.conventions = []
        return lint
    }

    private func problem(_ path: JSONPath, _ reason: String) -> Violation {
        Violation(path: path.description, reason: reason)
    }
}
