import DMSCatalog

/// How the server shows a secret it holds: the value of every secret field reads `********` in
/// its answers, and sending `********` back keeps the stored value.
public enum RedactedValue {
    /// The placeholder.
    public static let placeholder = ConnectorSpec.redactedPlaceholder

    /// Whether `value` is the placeholder.
    public static func isPlaceholder(_ value: JSONValue?) -> Bool {
        value == .string(placeholder)
    }
}

extension RedactedValue {
    /// `object` with the value of every secret field replaced by the placeholder, for showing a
    /// configuration dmsctl built (e.g. in a dry run) without showing its secrets.
    public static func redacting(_ object: [String: JSONValue], secrets: SecretFields) -> [String: JSONValue] {
        var result = object
        for key in object.keys where secrets.contains(key) { result[key] = .string(placeholder) }
        return result
    }
}
