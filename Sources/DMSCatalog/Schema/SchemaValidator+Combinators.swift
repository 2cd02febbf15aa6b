/// `allOf`, `anyOf`, `oneOf`, `not` and `if`/`then`/`else`, each failing with one readable violation
/// (except `allOf` and `then`/`else`, whose own violations are the clearest account).
extension SchemaValidator {
    static func checkCombinators(_ instance: JSONValue, _ keywords: [String: JSONValue], at path: JSONPath) -> [Violation] {
        var found: [Violation] = []
        for schema in keywords["allOf"]?.arrayValue ?? [] {
            found += violations(of: instance, against: schema, at: path)
        }
        if let branches = keywords["anyOf"]?.arrayValue, !branches.isEmpty {
            let results = branches.map { violations(of: instance, against: $0, at: path) }
            if !results.contains(where: \.isEmpty) {
                found.append(noMatch(branches, results, exactlyOne: false, at: path))
            }
        }
        if let branches = keywords["oneOf"]?.arrayValue, !branches.isEmpty {
            let results = branches.map { violations(of: instance, against: $0, at: path) }
            let matched = results.indices.filter { results[$0].isEmpty }
            if matched.isEmpty {
                found.append(noMatch(branches, results, exactlyOne: true, at: path))
            } else if matched.count > 1 {
                found.append(severalMatch(branches, matched, at: path))
            }
        }
        if let excluded = keywords["not"], isValid(instance, against: excluded) {
            found.append(excludedMatch(excluded, at: path))
        }
        if let condition = keywords["if"] {
            let holds = isValid(instance, against: condition)
            if let branch = keywords[holds ? "then" : "else"] {
                let suffix = holds ? conditionPhrase(condition).map { " (\($0))" } ?? "" : ""
                found += violations(of: instance, against: branch, at: path).map {
                    Violation(path: $0.path, reason: $0.reason + suffix)
                }
            }
        }
        return found
    }

    // MARK: Messages

    /// No branch matched: name the fields to set when every branch only requires fields, the
    /// branch titles when every branch has one, else the mismatch of the closest branch.
    private static func noMatch(_ branches: [JSONValue], _ results: [[Violation]], exactlyOne: Bool, at path: JSONPath) -> Violation {
        let quantity = exactlyOne ? "exactly one" : "at least one"
        if let fieldSets = everyOne(branches.map(requiredOnlyFields)) {
            let list = fieldSets.map { $0.joined(separator: " and ") }.joined(separator: ", ")
            return Violation(path: path.description, reason: "must set \(quantity) of: \(list)")
        }
        if let titles = everyOne(branches.map { $0["title"]?.stringValue }) {
            return Violation(path: path.description, reason: "must match \(quantity) of: \(titles.joined(separator: ", "))")
        }
        let closest = results.min { $0.count < $1.count }!.sorted()[0]
        return Violation(path: path.description, reason: "must match \(quantity) of the allowed forms; closest: \(closest)")
    }

    /// Several `oneOf` branches matched.
    private static func severalMatch(_ branches: [JSONValue], _ matched: [Int], at path: JSONPath) -> Violation {
        if let fieldSets = everyOne(branches.map(requiredOnlyFields)) {
            let set = matched.map { fieldSets[$0].joined(separator: " and ") }
            let all = fieldSets.map { $0.joined(separator: " and ") }.joined(separator: ", ")
            return Violation(
                path: path.description,
                reason: "\(set.joined(separator: ", ")) cannot be set together; set exactly one of: \(all)"
            )
        }
        let names = matched.map { branches[$0]["title"]?.stringValue ?? "form \($0 + 1)" }
        return Violation(path: path.description, reason: "must match exactly one allowed form, matched \(names.joined(separator: " and "))")
    }

    /// The `not` schema matched.
    private static func excludedMatch(_ excluded: JSONValue, at path: JSONPath) -> Violation {
        if let fields = requiredOnlyFields(excluded) {
            if fields.count == 1 { return Violation(path: path.appending(key: fields[0]).description, reason: "must not be set") }
            return Violation(path: path.description, reason: "\(fields.joined(separator: " and ")) cannot be set together")
        }
        if let title = excluded["title"]?.stringValue {
            return Violation(path: path.description, reason: "must not be \(title)")
        }
        return Violation(path: path.description, reason: "must not match the excluded form")
    }

    /// The values when none is nil.
    private static func everyOne<T>(_ values: [T?]) -> [T]? {
        let present = values.compactMap { $0 }
        return present.count == values.count ? present : nil
    }

    /// The fields a schema requires when requiring them is all it does (besides annotations).
    private static func requiredOnlyFields(_ schema: JSONValue) -> [String]? {
        guard let keywords = schema.objectValue,
            let required = keywords["required"]?.arrayValue?.compactMap(\.stringValue), !required.isEmpty,
            keywords.keys.allSatisfy(["required", "title", "description", "$comment"].contains)
        else { return nil }
        return required
    }

    /// `when mode is upsert` for an `if` made of `const` (or `enum`) properties; nil otherwise.
    private static func conditionPhrase(_ condition: JSONValue) -> String? {
        guard let properties = condition["properties"]?.objectValue, !properties.isEmpty else { return nil }
        var clauses: [String] = []
        for name in properties.keys.sorted(by: JSONValue.codePointOrder) {
            if let constant = properties[name]?["const"] {
                clauses.append("\(name) is \(render(constant))")
            } else if let allowed = properties[name]?["enum"]?.arrayValue {
                clauses.append("\(name) is one of \(allowed.map(render).joined(separator: ", "))")
            } else {
                return nil
            }
        }
        return "when " + clauses.joined(separator: " and ")
    }
}
