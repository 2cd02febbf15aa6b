/// Secrets on the way out and back in: values of ``ConnectorSpec/secretFields`` are shown as
/// ``ConnectorSpec/redactedPlaceholder``, and a client that sends the placeholder back keeps the
/// stored value.
extension ConnectorSpec {
    /// The object with the value of each secret field that is present replaced by
    /// ``redactedPlaceholder``; other fields unchanged. Works on a Connection's configuration, on
    /// overrides and on effective configurations alike, since secret fields are top-level names.
    public func redacted(_ object: [String: JSONValue]) -> [String: JSONValue] {
        var result = object
        for name in secretFields where result[name] != nil {
            result[name] = .string(Self.redactedPlaceholder)
        }
        return result
    }

    /// The object a client sent, with each secret field whose value is ``redactedPlaceholder``
    /// given back its value from `stored` (the object being replaced), or removed when `stored`
    /// has none, so the placeholder is never stored as a secret.
    public func restoringSecrets(_ incoming: [String: JSONValue], from stored: [String: JSONValue]) -> [String: JSONValue] {
        var result = incoming
        for name in secretFields where result[name] == .string(Self.redactedPlaceholder) {
            result[name] = stored[name]
        }
        return result
    }
}
