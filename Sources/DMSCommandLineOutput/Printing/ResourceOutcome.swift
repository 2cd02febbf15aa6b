/// What a command did to one resource — `connection/pg-main created` — as a line for `-o table`
/// and an object for `-o json|yaml`.
public struct ResourceOutcome: Encodable, Sendable {
    /// The kind, lower-case: `namespace`, `connection`, `source`, `target`, `job`, `token`.
    public var kind: String
    /// The resource's name.
    public var name: String
    /// Its namespace; absent for namespaces.
    public var namespace: String?
    /// `created`, `configured`, `unchanged`, `deleted`, `not found`, `would create`, …
    public var result: String
    /// The fields a change touches (or would touch), in document order; absent when none.
    public var fields: [String]?

    /// The outcome `result` of `kind/name` (in `namespace`), touching `fields`.
    public init(kind: String, name: String, namespace: String? = nil, result: String, fields: [String]? = nil) {
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.result = result
        self.fields = fields
    }

    /// `connection/pg-main created`, with `(fields: …)` when there are fields.
    public var line: String {
        let detail = fields.map { $0.isEmpty ? "" : " (fields: \($0.joined(separator: ", ")))" } ?? ""
        return "\(kind)/\(name) \(result)\(detail)"
    }

    /// Prints it as `printer`'s format says: a line, or one JSON/YAML document.
    public func print(with printer: OutputPrinter) throws {
        try printer.printStreamItem(self, line: line)
    }
}
