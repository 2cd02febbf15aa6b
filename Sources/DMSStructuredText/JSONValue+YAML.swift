import DMSCatalog
import Yams

extension JSONValue {
    /// Why a YAML node has no JSON form.
    public struct YAMLConversionError: Error, CustomStringConvertible {
        /// Where in the document, as a dotted path (`spec.schema.port`), empty for the root.
        public var path: String
        /// What is wrong there.
        public var problem: String

        /// `spec.schema.port: the key appears twice`, or the problem alone at the root.
        public var description: String { path.isEmpty ? problem : "\(path): \(problem)" }
    }

    /// The JSON form of a composed YAML node: mappings become objects, sequences arrays, and
    /// scalars `null`, booleans, numbers or strings as YAML's core schema resolves them. Integers
    /// must fit in 64 bits; infinities and NaN stay strings.
    public init(yaml node: Node, path: String = "") throws(YAMLConversionError) {
        switch node {
        case .scalar(let scalar):
            self = try Self.scalar(scalar, node: node, path: path)
        case .sequence(let sequence):
            var elements: [JSONValue] = []
            for (position, element) in sequence.enumerated() {
                elements.append(try JSONValue(yaml: element, path: "\(path)[\(position)]"))
            }
            self = .array(elements)
        case .mapping(let mapping):
            var members: [String: JSONValue] = [:]
            for (keyNode, valueNode) in mapping {
                guard case .scalar(let key) = keyNode else {
                    throw YAMLConversionError(path: path, problem: "a key must be a plain string, not a collection")
                }
                let childPath = path.isEmpty ? key.string : "\(path).\(key.string)"
                if members[key.string] != nil {
                    throw YAMLConversionError(path: childPath, problem: "the key appears twice")
                }
                members[key.string] = try JSONValue(yaml: valueNode, path: childPath)
            }
            self = .object(members)
        case .alias:
            throw YAMLConversionError(path: path, problem: "YAML aliases are not supported")
        }
    }

    private static func scalar(_ scalar: Node.Scalar, node: Node, path: String) throws(YAMLConversionError) -> JSONValue {
        switch Tag.Name(rawValue: node.tag.rawValue) {
        case Tag.Name.null: return .null
        case Tag.Name.bool: return node.bool.map(JSONValue.bool) ?? .string(scalar.string)
        case Tag.Name.int:
            if let integer = Int64(scalar.string) ?? node.int.map(Int64.init) { return .integer(integer) }
            if isOversizedInteger(scalar.string) {
                // The value is not repeated: it may be a secret.
                throw YAMLConversionError(path: path, problem: "the integer does not fit in 64 bits (quote it to keep it as a string)")
            }
            return .string(scalar.string)
        case Tag.Name.float:
            guard let value = node.float, value.isFinite else { return .string(scalar.string) }
            return .number(value)
        default:
            return .string(scalar.string)
        }
    }
}
