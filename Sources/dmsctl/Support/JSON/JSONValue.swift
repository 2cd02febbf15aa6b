/// A JSON value as dmsctl handles configuration objects: object keys keep their order and numbers
/// keep their text, so what a user wrote is what the server receives and what is printed.
///
/// `==` compares meaning, not spelling: objects are equal when they have the same keys with equal
/// values in any order, numbers when they denote the same value (`1.0 == 1`).
enum JSONValue: Sendable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number, as its JSON text (`5432`, `1.5e3`).
    case number(String)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object, its keys in order.
    case object(JSONObject)

    /// The object, when this is one.
    var objectValue: JSONObject? {
        if case .object(let object) = self { return object }
        return nil
    }

    /// The string, when this is one.
    var stringValue: String? {
        if case .string(let string) = self { return string }
        return nil
    }

    /// What kind of value this is, for messages: "a string", "an object", …
    var kindDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension JSONValue: Equatable {
    static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.number(let a), .number(let b)): a == b || JSONNumber.sameValue(a, b)
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a == b
        default: false
        }
    }
}
