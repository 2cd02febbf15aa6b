/// One version of a connector's configuration spec: JSON Schemas of a Connection's configuration
/// (`schema`), of the fields a Source may add, and of the fields a Target may add; which
/// top-level fields are secret; and how a configuration of the previous version carries over.
public struct ConnectorSpec: Sendable, Hashable {
    /// What a secret value reads as on every way out (API responses, logs, run specs).
    public static let redactedPlaceholder = "********"

    /// One of the three schemas of a spec.
    public enum Part: String, Sendable, Hashable, CaseIterable {
        /// A Connection's configuration: where the store is and how to log in.
        case connection
        /// The fields a Source may add: what to read.
        case source
        /// The fields a Target may add: where and how to write.
        case target
    }

    /// What extends a Connection.
    public enum Role: String, Sendable, Hashable, CaseIterable {
        /// A Source: reads.
        case source
        /// A Target: writes.
        case target

        /// The spec part holding this role's own fields.
        public var part: Part {
            switch self {
            case .source: .source
            case .target: .target
            }
        }
    }

    /// How a connection configuration of the previous version becomes one of this version.
    public struct Upgrade: Sendable, Hashable {
        /// Fields that changed name, old name to new name.
        public var renamedFields: [String: String]
        /// Fields of the previous version that this version no longer has; they are dropped.
        public var removedFields: [String]

        /// An upgrade renaming and dropping the given fields; the default changes nothing.
        public init(renamedFields: [String: String] = [:], removedFields: [String] = []) {
            self.renamedFields = renamedFields
            self.removedFields = removedFields
        }

        /// A configuration of the previous version carried over to this one: renamed fields move
        /// to their new names (a value already under the new name wins), then removed fields are
        /// dropped; everything else is kept. Clients carry a schema the same way from the
        /// `renamed_from_previous` and `removed_from_previous` of each version of the contract.
        public func carry(_ schema: [String: JSONValue]) -> [String: JSONValue] {
            var result = schema
            for (old, new) in renamedFields.sorted(by: { $0.key < $1.key }) {
                guard let value = result.removeValue(forKey: old) else { continue }
                if result[new] == nil { result[new] = value }
            }
            for name in removedFields { result[name] = nil }
            return result
        }
    }

    /// The version, from 1, increasing.
    public let version: Int
    /// JSON Schema of a Connection's configuration object.
    public let connectionSchema: JSONValue
    /// JSON Schema of the fields a Source may add (a Source may also override connection fields).
    public let sourceSchema: JSONValue
    /// JSON Schema of the fields a Target may add (a Target may also override connection fields).
    public let targetSchema: JSONValue
    /// Top-level fields whose values are secret: encrypted at rest, shown as ``redactedPlaceholder``.
    public let secretFields: [String]
    /// True when new Connections should not use this version; existing ones keep working.
    public let deprecated: Bool
    /// How a configuration of version `version - 1` carries over to this one.
    public let upgradeFromPrevious: Upgrade
    /// The `default` of each property of ``connectionSchema`` that has one (made once: every
    /// read of a Connection lays them under its configuration).
    public let connectionDefaults: [String: JSONValue]
    /// The `default` of each property of ``sourceSchema`` that has one.
    public let sourceDefaults: [String: JSONValue]
    /// The `default` of each property of ``targetSchema`` that has one.
    public let targetDefaults: [String: JSONValue]

    /// A spec version from its parts.
    public init(
        version: Int,
        connectionSchema: JSONValue,
        sourceSchema: JSONValue,
        targetSchema: JSONValue,
        secretFields: [String] = [],
        deprecated: Bool = false,
        upgradeFromPrevious: Upgrade = Upgrade()
    ) {
        self.version = version
        self.connectionSchema = connectionSchema
        self.sourceSchema = sourceSchema
        self.targetSchema = targetSchema
        self.secretFields = secretFields
        self.deprecated = deprecated
        self.upgradeFromPrevious = upgradeFromPrevious
        self.connectionDefaults = JSONSchema(connectionSchema).propertyDefaults
        self.sourceDefaults = JSONSchema(sourceSchema).propertyDefaults
        self.targetDefaults = JSONSchema(targetSchema).propertyDefaults
    }

    /// One of the three schemas.
    public func schema(_ part: Part) -> JSONValue {
        switch part {
        case .connection: connectionSchema
        case .source: sourceSchema
        case .target: targetSchema
        }
    }

    /// One of the three schemas as compact JSON text with sorted keys, as the API serves it.
    public func schemaText(_ part: Part) -> String {
        schema(part).serialized()
    }

    /// The names of the connection's fields.
    public var connectionFields: Set<String> {
        JSONSchema(connectionSchema).propertyNames
    }
}
