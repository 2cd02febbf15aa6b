import Yams

extension JSONValue {
    /// Why a YAML node has no JSON form.
    struct YAMLConversionError: Error, CustomStringConvertible {
        /// Where in the document, as a dotted path (`spec.schema.port`), empty for the root.
        var path: String
        /// What is wrong there.
        var problem: String

        var description: String { path.isEmpty ? problem : "\(path): \(problem)" }
    }

    /// The JSON form of a composed YAML node: mappings become objects (keys in order), sequences
    /// arrays, and scalars `null`, booleans, numbers or strings as YAML's core schema resolves them.
    init(yaml node: Node, path: String = "") throws(YAMLConversionError) {
        switch node {
        case .scalar(let scalar):
            self = Self.scalar(scalar, node: node)
        case .sequence(let sequence):
            var elements: [JSONValue] = []
            for (position, element) in sequence.enumerated() {
                elements.append(try JSONValue(yaml: element, path: "\(path)[\(position)]"))
            }
            self = .array(elements)
        case .mapping(let mapping):
            var object = JSONObject()
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let key) = keyNode else {
                    throw YAMLConversionError(path: path, problem: "a key must be a plain string, not a collection")
                }
                let childPath = path.isEmpty ? key.string : "\(path).\(key.string)"
                if object[key.string] != nil {
                    throw YAMLConversionError(path: childPath, problem: "the key appears twice")
                }
                object[key.string] = try JSONValue(yaml: valueNode, path: childPath)
            }
            self = .object(object)
        case .alias:
            throw YAMLConversionError(path: path, problem: "YAML aliases are not supported")
        }
    }

    private static func scalar(_ scalar: Node.Scalar, node: Node) -> JSONValue {
        switch Tag.Name(rawValue: node.tag.rawValue) {
        case Tag.Name.null: return .null
        case Tag.Name.bool: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
        case Tag.Name.int:
            if JSONNumber.isValid(scalar.string) { return .number(scalar.string) }
            return node.int.map { .number(String($0)) } ?? .string(scalar.string)
        case Tag.Name.float:
            if JSONNumber.isValid(scalar.string) { return .number(scalar.string) }
            guard let value = node.float, value.isFinite else { return .string(scalar.string) }
            return .number(String(value))
        default:
            return .string(scalar.string)
        }
    }
}
