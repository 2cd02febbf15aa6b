import DMSCatalog
import SwiftProtobuf

/// Protobuf JSON in which the string fields that carry JSON text — a connection's `schema`, a
/// source's `conf` and `overrides`, a job's `options`, a connector's schemas — appear as nested
/// objects instead of escaped strings, so `-o json` and `-o yaml` read naturally and tools like
/// `jq` reach inside them. Keys come out sorted (see ``JSONValue/serialized()``), so the output
/// is stable.
public enum EmbeddedJSON {
    /// The protobuf JSON names of the fields that hold JSON text.
    public static let fieldNames: Set<String> = [
        "schema", "conf", "overrides", "options", "connectionSchema", "sourceSchema", "targetSchema",
    ]

    /// `json` with every such field, at any depth, replaced by the object or array it holds.
    /// Text that does not parse stays as it is.
    public static func expanding(_ json: String) -> String {
        guard let value = try? JSONValue(parsing: json) else { return json }
        return expanding(value).serialized()
    }

    /// ``expanding(_:)-swift.type.method`` on a parsed value.
    public static func expanding(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let members):
            var result: [String: JSONValue] = [:]
            for (key, field) in members {
                if fieldNames.contains(key), case .string(let text) = field, let nested = nestedValue(text) {
                    result[key] = nested
                } else {
                    result[key] = expanding(field)
                }
            }
            return .object(result)
        case .array(let elements):
            return .array(elements.map(expanding))
        default:
            return value
        }
    }

    private static func nestedValue(_ text: String) -> JSONValue? {
        guard let value = try? JSONValue(parsing: text) else { return nil }
        switch value {
        case .object, .array: return value
        default: return nil
        }
    }
}

extension EmbeddedJSON {
    /// `message` as a JSON object with its embedded JSON expanded, for documents dmsctl adds
    /// fields to (describe's field origins, a namespace's contents).
    public static func document(_ message: some SwiftProtobuf.Message) throws -> [String: JSONValue] {
        expanding(try JSONValue(parsing: try message.jsonString())).objectValue ?? [:]
    }
}
