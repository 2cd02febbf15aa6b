import DMSCatalog
import DMSSecrets
import DMSWire
import Foundation

/// Splits configurations into the plain part and the sealed secret part a row stores, and back.
///
/// Each secret is sealed with the context `<table>/<row id>/<field>`, so a ciphertext copied to
/// another row or field does not open.
struct SecretColumns: Sendable {
    let sealer: SecretSealer

    /// The plain fields and the sealed ones (field → sealed text) of `values`.
    func seal(_ values: [String: JSONValue], secretFields: [String], table: String, id: UUID) throws -> (plain: [String: JSONValue], sealed: [String: JSONValue]) {
        var plain = values
        var sealed = [String: JSONValue]()
        for field in secretFields {
            guard let value = plain.removeValue(forKey: field) else { continue }
            let text = value.stringValue ?? value.serialized()
            sealed[field] = .string(try sealer.seal(text, context: "\(table)/\(id.text)/\(field)"))
        }
        return (plain, sealed)
    }

    /// The plaintext of every sealed field of a row.
    func open(_ sealed: [String: JSONValue], table: String, id: UUID) throws -> [String: JSONValue] {
        var values = [String: JSONValue]()
        for (field, value) in sealed {
            guard let text = value.stringValue else { throw SecretError("a stored secret of \(table)/\(id.text)/\(field) is malformed") }
            values[field] = .string(try sealer.open(text, context: "\(table)/\(id.text)/\(field)"))
        }
        return values
    }

    /// The plain fields with each sealed field shown as the redacted placeholder.
    static func redactedView(plain: [String: JSONValue], sealed: [String: JSONValue]) -> [String: JSONValue] {
        var view = plain
        for field in sealed.keys { view[field] = .string(ConnectorSpec.redactedPlaceholder) }
        return view
    }

    /// Refuses the redacted placeholder where there is no stored secret to keep (creates).
    static func placeholderViolations(_ values: [String: JSONValue], spec: ConnectorSpec, keeping stored: Set<String>, path: String) -> [RPCError.FieldViolation] {
        spec.secretFields.sorted().compactMap { field in
            guard values[field] == .string(ConnectorSpec.redactedPlaceholder), !stored.contains(field) else { return nil }
            return .init(field: "\(path).\(field)", description: "\"\(ConnectorSpec.redactedPlaceholder)\" keeps a stored secret, and there is none: give the value")
        }
    }
}

extension Violation {
    /// This violation as a field violation of request field `path` (`schema`, `conf`).
    func field(under path: String) -> RPCError.FieldViolation {
        .init(field: self.path.isEmpty ? path : (self.path.hasPrefix("[") ? "\(path)\(self.path)" : "\(path).\(self.path)"), description: reason)
    }
}

/// Parsing JSON-text request fields into objects, with violations naming the field.
enum JSONField {
    /// The object in `text`; "" is `{}` when `emptyIsObject`. Appends a violation and returns nil
    /// when it is not a JSON object.
    static func object(_ text: String, field: String, emptyIsObject: Bool, violations: inout [RPCError.FieldViolation]) -> [String: JSONValue]? {
        if text.isEmpty {
            if emptyIsObject { return [:] }
            violations.append(.init(field: field, description: "required: a JSON object"))
            return nil
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: text)
        } catch {
            violations.append(.init(field: field, description: "is not valid JSON: \(error.message)"))
            return nil
        }
        guard let object = value.objectValue else {
            violations.append(.init(field: field, description: "must be a JSON object, got \(value.typeName)"))
            return nil
        }
        return object
    }
}
