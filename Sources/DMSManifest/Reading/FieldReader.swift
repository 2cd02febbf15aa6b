import DMSCatalog
import DMSStructuredText

/// Typed reads of one object of a document, with errors that name the field by its path.
struct FieldReader {
    /// A field that is missing, of the wrong type, or unknown.
    struct FieldError: Error, Sendable {
        /// The dotted path of the field.
        var field: String
        /// What is wrong.
        var problem: String
    }

    /// The object read.
    let object: [String: JSONValue]
    /// Its path in the document (`spec`), prefixed to every field's name.
    let path: String

    /// A reader of `object` at `path`; refuses keys not in `allowed` (a typo must not be ignored).
    init(_ object: [String: JSONValue], path: String, allowed: [String]) throws(FieldError) {
        self.object = object
        self.path = path
        let known = Set(allowed)
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw FieldError(field: field(unknown), problem: "unknown field (known: \(allowed.joined(separator: ", ")))")
        }
    }

    /// The path of `key`.
    func field(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// A string, or `nil` when absent (or null).
    func string(_ key: String) throws(FieldError) -> String? {
        switch object[key] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        case let other?: throw FieldError(field: field(key), problem: "must be a string, not \(other.kindDescription)")
        }
    }

    /// A string that must be there and not be empty.
    func requiredString(_ key: String) throws(FieldError) -> String {
        guard let value = try string(key), !value.isEmpty else { throw FieldError(field: field(key), problem: "required") }
        return value
    }

    /// A name of a resource (1 to 63 characters of a-z, 0-9 and '-', starting with a letter).
    func requiredName(_ key: String) throws(FieldError) -> String {
        let value = try requiredString(key)
        if let problem = ResourceName.validate(value) { throw FieldError(field: field(key), problem: "\"\(value)\" \(problem)") }
        return value
    }

    /// A whole number, or `nil` when absent.
    func integer<Number: FixedWidthInteger>(_ key: String, as type: Number.Type, minimum: Number = 0) throws(FieldError) -> Number? {
        let range = "must be a whole number between \(minimum) and \(Number.max)"
        switch object[key] {
        case nil, .null?: return nil
        case .integer(let integer)?:
            guard let value = Number(exactly: integer) else { throw FieldError(field: field(key), problem: range) }
            guard value >= minimum else { throw FieldError(field: field(key), problem: "must be at least \(minimum)") }
            return value
        case .number?: throw FieldError(field: field(key), problem: range)
        case let other?: throw FieldError(field: field(key), problem: "must be a number, not \(other.kindDescription)")
        }
    }

    /// A boolean, or `nil` when absent.
    func bool(_ key: String) throws(FieldError) -> Bool? {
        switch object[key] {
        case nil, .null?: return nil
        case .bool(let value)?: return value
        case let other?: throw FieldError(field: field(key), problem: "must be true or false, not \(other.kindDescription)")
        }
    }

    /// An object, or `nil` when absent.
    func object(_ key: String) throws(FieldError) -> [String: JSONValue]? {
        switch object[key] {
        case nil, .null?: return nil
        case .object(let value)?: return value
        case let other?: throw FieldError(field: field(key), problem: "must be an object (key: value pairs), not \(other.kindDescription)")
        }
    }

    /// An object whose values are strings, numbers or booleans, as a map of strings.
    func stringMap(_ key: String) throws(FieldError) -> [String: String]? {
        guard let values = try object(key) else { return nil }
        var map: [String: String] = [:]
        for (name, value) in values.sortedByKey {
            switch value {
            case .string(let text): map[name] = text
            case .integer, .number: map[name] = value.serialized()
            case .bool(let flag): map[name] = flag ? "true" : "false"
            default: throw FieldError(field: "\(field(key)).\(name)", problem: "must be a string, number or boolean")
            }
        }
        return map
    }

    /// One of `Choice`'s raw values, or `nil` when absent.
    func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, as type: Choice.Type) throws(FieldError) -> Choice?
    where Choice.RawValue == String {
        guard let text = try string(key) else { return nil }
        guard let value = Choice(rawValue: text.lowercased()) else {
            let choices = Choice.allCases.map(\.rawValue).joined(separator: ", ")
            throw FieldError(field: field(key), problem: "must be one of \(choices) (got \"\(text)\")")
        }
        return value
    }
}
