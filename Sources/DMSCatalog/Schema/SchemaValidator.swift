import Foundation

/// The keyword checks behind ``JSONSchema/validate(_:)``: pure functions from an instance, a schema
/// and a path to violations.
enum SchemaValidator {
    static func violations(of instance: JSONValue, against schema: JSONValue, at path: JSONPath) -> [Violation] {
        switch schema {
        case .bool(true): return []
        case .bool(false): return [Violation(path: path.description, reason: "is not allowed")]
        case .object(let keywords):
            if let typeViolation = checkType(instance, keywords["type"], at: path) { return [typeViolation] }
            var found: [Violation] = []
            found += checkValue(instance, keywords, at: path)
            switch instance {
            case .integer, .number: found += checkNumber(instance, keywords, at: path)
            case .string(let string): found += checkString(string, keywords, at: path)
            case .array(let elements): found += checkArray(elements, keywords, at: path)
            case .object(let members): found += checkObject(members, keywords, at: path)
            case .null, .bool: break
            }
            found += checkCombinators(instance, keywords, at: path)
            return found
        default:
            return []  // Not a schema; problems(conventions:) reports it.
        }
    }

    static func isValid(_ instance: JSONValue, against schema: JSONValue) -> Bool {
        violations(of: instance, against: schema, at: .root).isEmpty
    }

    // MARK: type, enum, const

    private static func checkType(_ instance: JSONValue, _ type: JSONValue?, at path: JSONPath) -> Violation? {
        let names: [String]
        switch type {
        case .string(let name): names = [name]
        case .array(let list): names = list.compactMap(\.stringValue)
        default: return nil
        }
        if names.contains(where: { matchesType(instance, $0) }) { return nil }
        let expected = names.map(typeWithArticle).joined(separator: " or ")
        return Violation(path: path.description, reason: "must be \(expected), got \(instance.typeName)")
    }

    static func matchesType(_ instance: JSONValue, _ name: String) -> Bool {
        switch (name, instance) {
        case ("null", .null), ("boolean", .bool), ("integer", .integer), ("number", .integer),
            ("number", .number), ("string", .string), ("array", .array), ("object", .object):
            true
        default:
            false
        }
    }

    private static func typeWithArticle(_ name: String) -> String {
        switch name {
        case "null": "null"
        case "integer", "array", "object": "an \(name)"
        default: "a \(name)"
        }
    }

    private static func checkValue(_ instance: JSONValue, _ keywords: [String: JSONValue], at path: JSONPath) -> [Violation] {
        var found: [Violation] = []
        if let allowed = keywords["enum"]?.arrayValue, !allowed.contains(where: { jsonEqual($0, instance) }) {
            let list = allowed.map(render).joined(separator: ", ")
            found.append(Violation(path: path.description, reason: "must be one of: \(list)"))
        }
        if let constant = keywords["const"], !jsonEqual(constant, instance) {
            found.append(Violation(path: path.description, reason: "must be \(render(constant))"))
        }
        return found
    }

    // MARK: numbers, strings, arrays

    private static func checkNumber(_ instance: JSONValue, _ keywords: [String: JSONValue], at path: JSONPath) -> [Violation] {
        var found: [Violation] = []
        func check(_ keyword: String, _ phrase: String, failsWhen fails: (Comparison) -> Bool) {
            guard let bound = keywords[keyword], let comparison = compareNumbers(instance, bound), fails(comparison) else { return }
            found.append(Violation(path: path.description, reason: "must be \(phrase) \(render(bound))"))
        }
        check("minimum", "at least") { $0 == .less }
        check("maximum", "at most") { $0 == .greater }
        check("exclusiveMinimum", "greater than") { $0 != .greater }
        check("exclusiveMaximum", "less than") { $0 != .less }
        return found
    }

    private static func checkString(_ string: String, _ keywords: [String: JSONValue], at path: JSONPath) -> [Violation] {
        var found: [Violation] = []
        let length = string.unicodeScalars.count
        if let minimum = keywords["minLength"]?.integerValue, length < minimum {
            let reason = minimum == 1 ? "must not be empty" : "must be at least \(minimum) characters long"
            found.append(Violation(path: path.description, reason: reason))
        }
        if let maximum = keywords["maxLength"]?.integerValue, length > maximum {
            let unit = maximum == 1 ? "character" : "characters"
            found.append(Violation(path: path.description, reason: "must be at most \(maximum) \(unit) long"))
        }
        if let pattern = keywords["pattern"]?.stringValue, let regex = compile(pattern),
            regex.firstMatch(in: string, range: NSRange(string.startIndex..., in: string)) == nil
        {
            found.append(Violation(path: path.description, reason: "must match \(pattern)"))
        }
        return found
    }

    /// Compiles a pattern; nil when it is not a valid regular expression.
    static func compile(_ pattern: String) -> NSRegularExpression? {
        try? NSRegularExpression(pattern: pattern)
    }

    private static func checkArray(_ elements: [JSONValue], _ keywords: [String: JSONValue], at path: JSONPath) -> [Violation] {
        var found: [Violation] = []
        if let minimum = keywords["minItems"]?.integerValue, elements.count < minimum {
            let reason = minimum == 1 ? "must not be empty" : "must have at least \(minimum) items"
            found.append(Violation(path: path.description, reason: reason))
        }
        if let maximum = keywords["maxItems"]?.integerValue, elements.count > maximum {
            let unit = maximum == 1 ? "item" : "items"
            found.append(Violation(path: path.description, reason: "must have at most \(maximum) \(unit)"))
        }
        if keywords["uniqueItems"] == .bool(true) {
            // Hashing the canonical forms keeps this linear: arrays come from clients.
            var firstIndex: [JSONValue: Int] = [:]
            for (index, element) in elements.enumerated() {
                let canonical = canonicalNumbers(element)
                if let first = firstIndex[canonical] {
                    found.append(Violation(path: path.appending(index: index).description, reason: "duplicates item \(first)"))
                } else {
                    firstIndex[canonical] = index
                }
            }
        }
        if let items = keywords["items"] {
            for (index, element) in elements.enumerated() {
                found += violations(of: element, against: items, at: path.appending(index: index))
            }
        }
        return found
    }

    // MARK: objects

    private static func checkObject(_ members: [String: JSONValue], _ keywords: [String: JSONValue], at path: JSONPath) -> [Violation] {
        var found: [Violation] = []
        let properties = keywords["properties"]?.objectValue ?? [:]
        for name in keywords["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
            found.append(Violation(path: path.appending(key: name).description, reason: "required field is missing"))
        }
        for (name, value) in members {
            let memberPath = path.appending(key: name)
            if let schema = properties[name] {
                found += violations(of: value, against: schema, at: memberPath)
            } else if let additional = keywords["additionalProperties"] {
                if additional == .bool(false) {
                    found.append(Violation(path: memberPath.description, reason: "unknown field"))
                } else {
                    found += violations(of: value, against: additional, at: memberPath)
                }
            }
        }
        for (name, needed) in keywords["dependentRequired"]?.objectValue ?? [:] where members[name] != nil {
            for other in needed.arrayValue?.compactMap(\.stringValue) ?? [] where members[other] == nil {
                found.append(Violation(path: path.appending(key: other).description, reason: "required when \(name) is set"))
            }
        }
        return found
    }

    // MARK: Values in messages, equality, comparison

    /// A value as it reads in a reason: strings bare, everything else as JSON.
    static func render(_ value: JSONValue) -> String {
        value.stringValue ?? value.serialized()
    }

    /// JSON Schema equality: numbers compare by value (`1` equals `1.0`), arrays element-wise,
    /// objects member-wise.
    static func jsonEqual(_ lhs: JSONValue, _ rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.integer, .number), (.number, .integer): return compareNumbers(lhs, rhs) == .equal
        case (.array(let left), .array(let right)):
            return left.count == right.count && zip(left, right).allSatisfy(jsonEqual)
        case (.object(let left), .object(let right)):
            return left.count == right.count
                && left.allSatisfy { key, value in right[key].map { jsonEqual(value, $0) } ?? false }
        default: return lhs == rhs
        }
    }

    /// The value with every number that equals an integer written as one, so values that
    /// ``jsonEqual(_:_:)`` calls equal are also `==` (and hash alike).
    static func canonicalNumbers(_ value: JSONValue) -> JSONValue {
        switch value {
        case .number(let number):
            if let integer = Int64(exactly: number) { return .integer(integer) }
            return value
        case .array(let elements): return .array(elements.map(canonicalNumbers))
        case .object(let members): return .object(members.mapValues(canonicalNumbers))
        default: return value
        }
    }

    enum Comparison { case less, equal, greater }

    /// Orders two numbers exactly (no rounding of large integers); nil if either is not a number.
    static func compareNumbers(_ lhs: JSONValue, _ rhs: JSONValue) -> Comparison? {
        switch (lhs, rhs) {
        case (.integer(let left), .integer(let right)):
            return left < right ? .less : left == right ? .equal : .greater
        case (.integer(let left), .number(let right)):
            return compare(left, right)
        case (.number(let left), .integer(let right)):
            return compare(right, left).map { $0 == .less ? .greater : $0 == .greater ? .less : .equal }
        case (.number(let left), .number(let right)):
            return left < right ? .less : left == right ? .equal : .greater
        default:
            return nil
        }
    }

    private static func compare(_ integer: Int64, _ double: Double) -> Comparison? {
        guard !double.isNaN else { return nil }
        if double >= 0x1p63 { return .less }
        if double < -0x1p63 { return .greater }
        let whole = Int64(double.rounded(.down))
        if integer != whole { return integer < whole ? .less : .greater }
        return double == double.rounded(.down) ? .equal : .less
    }
}
