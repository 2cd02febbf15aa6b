import Yams

/// YAML output: `Encodable` values, and JSON text turned into block-style YAML with the same
/// content and key order. Non-ASCII characters are written as they are, not escaped.
///
/// The JSON is read with Yams itself (JSON is YAML flow syntax), which keeps the order of keys;
/// strings stay quoted only where a plain scalar would read back as another type (`"0"`, `"true"`).
public enum YAMLRendering {
    /// The YAML form of `json`, ending in a newline.
    public static func yaml(fromJSON json: String) throws -> String {
        guard let node = try Yams.compose(yaml: json) else { return "{}\n" }
        return try Yams.serialize(node: blockStyle(node), allowUnicode: true)
    }

    /// The YAML form of `value`, ending in a newline.
    public static func yaml(_ value: some Encodable) throws -> String {
        let encoder = YAMLEncoder()
        encoder.options.allowUnicode = true
        return try encoder.encode(value)
    }

    private static func blockStyle(_ node: Node) -> Node {
        switch node {
        case .mapping(let mapping):
            let pairs = mapping.map { (blockStyle($0.key), blockStyle($0.value)) }
            return .mapping(Node.Mapping(pairs, mapping.tag, pairs.isEmpty ? .flow : .block))
        case .sequence(let sequence):
            let nodes = sequence.map(blockStyle)
            return .sequence(Node.Sequence(nodes, sequence.tag, nodes.isEmpty ? .flow : .block))
        case .scalar(let scalar):
            guard scalar.style == .doubleQuoted || scalar.style == .singleQuoted else {
                return .scalar(Node.Scalar(scalar.string, scalar.tag, .plain))
            }
            let readsBackAsString = Resolver.default.resolveTag(of: Node(scalar.string)) == .str
            let style: Node.Scalar.Style = readsBackAsString && !scalar.string.isEmpty ? .any : .doubleQuoted
            return .scalar(Node.Scalar(scalar.string, Tag(.str), style))
        case .alias:
            return node
        }
    }
}
