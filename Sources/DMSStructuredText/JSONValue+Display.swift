import DMSCatalog

extension JSONValue {
    /// The value as people read it in a table cell: strings without quotes, the rest as JSON.
    public var displayText: String {
        stringValue ?? serialized()
    }

    /// What kind of value this is, for messages: "a string", "an object", …; both kinds of
    /// number are "a number".
    public var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension Dictionary where Key == String, Value == JSONValue {
    /// The members of a JSON object sorted by key: the order in which dmsctl shows and walks them,
    /// as ``JSONValue/serialized()`` writes them.
    public var sortedByKey: [(key: String, value: JSONValue)] {
        sorted { $0.key < $1.key }
    }
}
