import DMSCatalog

/// A Connection's, Source's or Target's configuration as the engine uses it: connector type,
/// spec version and effective configuration with secrets in clear. For the engine only; never
/// for a response.
public struct RuntimeConfiguration: Sendable {
    public var type: String
    public var version: Int
    /// Effective configuration, secrets in clear.
    public var conf: [String: JSONValue]
    /// The clear values of its secret fields, so that whatever uses it can be scrubbed of them.
    public var secretValues: [String]

    public init(type: String, version: Int, conf: [String: JSONValue], secretValues: [String]) {
        self.type = type
        self.version = version
        self.conf = conf
        self.secretValues = secretValues
    }

    /// The non-empty string values among `secrets`.
    static func values(ofSecrets secrets: [[String: JSONValue]]) -> [String] {
        secrets.flatMap(\.values).compactMap(\.stringValue).filter { !$0.isEmpty }
    }
}
