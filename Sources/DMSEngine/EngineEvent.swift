import DMSCatalog

/// One structured event of the job program (Sources/DMSEngine/PySpark/README.md, "Events").
public struct EngineEvent: Sendable, Equatable {
    /// `started`, `plan`, `table_started`, `progress`, `table_done`, `table_failed`,
    /// `validation`, `log`, `result`, …
    public var name: String
    /// The whole event object.
    public var fields: [String: JSONValue]

    /// The event a line of the program's output carries (`prefix` then a JSON object with an
    /// `event` field), or nil for any other line.
    public init?(line: String, prefix: String) {
        guard line.hasPrefix(prefix), let value = try? JSONValue(parsing: String(line.dropFirst(prefix.count))),
            let object = value.objectValue, let name = object["event"]?.stringValue
        else { return nil }
        self.name = name
        self.fields = object
    }

    public init(name: String, fields: [String: JSONValue]) {
        self.name = name
        self.fields = fields
    }

    public func string(_ key: String) -> String? { fields[key]?.stringValue }

    public func int(_ key: String) -> Int64? {
        switch fields[key] {
        case .integer(let integer)?: integer
        case .number(let number)?: Int64(exactly: number.rounded())
        default: nil
        }
    }

    public func bool(_ key: String) -> Bool? {
        fields[key]?.boolValue
    }
}
