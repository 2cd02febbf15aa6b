/// What a command did to one resource — `connection/pg-main created` — as a line for `-o table`
/// and an object for `-o json|yaml`.
struct ResourceOutcome: Encodable, Sendable {
    /// The kind, lower-case: `namespace`, `connection`, `source`, `target`, `job`, `token`.
    var kind: String
    /// The resource's name.
    var name: String
    /// Its namespace; absent for namespaces.
    var namespace: String?
    /// `created`, `configured`, `unchanged`, `deleted`, `not found`, `would create`, …
    var result: String
    /// The fields a change touches (or would touch), in document order; absent when none.
    var fields: [String]?

    /// `connection/pg-main created`, with `(fields: …)` when there are fields.
    var line: String {
        let detail = fields.map { $0.isEmpty ? "" : " (fields: \($0.joined(separator: ", ")))" } ?? ""
        return "\(kind)/\(name) \(result)\(detail)"
    }

    /// Prints it as `printer`'s format says: a line, or one JSON/YAML document.
    func print(with printer: OutputPrinter) throws {
        try printer.printStreamItem(self, line: line)
    }
}
