import DMSCatalog
import Yams

/// Reads one configuration object written as JSON or YAML, as `--schema-file` takes it.
public enum StructuredText {
    /// Why a text is not one JSON or YAML document.
    public struct ParseError: Error, CustomStringConvertible {
        /// Where and what, e.g. `invalid JSON: line 3, column 7: expected ',' or '}' after an object member`.
        public var description: String
    }

    /// The value in `text`: JSON when it starts with `{` or `[`, else YAML (of which JSON is a
    /// subset, so YAML-looking JSON still reads).
    public static func parse(_ text: String) throws(ParseError) -> JSONValue {
        let start = text.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "\u{FEFF}" }
        if start.first == "{" || start.first == "[" {
            return try parseJSON(text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text)
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch {
            throw ParseError(description: "invalid YAML: \(YAMLErrorText.describe(error))")
        }
        guard let node else { return .null }
        do {
            return try JSONValue(yaml: node)
        } catch {
            throw ParseError(description: error.description)
        }
    }

    /// The value in `text`, which must be JSON (strict: RFC 8259, integers within 64 bits).
    public static func parseJSON(_ text: String) throws(ParseError) -> JSONValue {
        do {
            return try JSONValue(parsing: text)
        } catch {
            throw ParseError(description: "invalid JSON: \(JSONErrorText.describe(error, in: text))")
        }
    }

    /// The object in JSON text the server sent (a schema, conf, overrides or options); empty
    /// for empty text or anything but an object.
    public static func objectOrEmpty(_ text: String) -> [String: JSONValue] {
        (try? JSONValue(parsing: text))?.objectValue ?? [:]
    }

    /// ``parse(_:)``, requiring an object; `what` names the input in the error.
    public static func parseObject(_ text: String, what: String) throws(ParseError) -> [String: JSONValue] {
        let value = try parse(text)
        guard case .object(let members) = value else {
            throw ParseError(description: "\(what) must hold an object (key: value pairs), not \(value.kindDescription)")
        }
        return members
    }
}
