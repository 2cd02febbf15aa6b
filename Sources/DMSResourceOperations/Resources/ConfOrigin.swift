import DMSCatalog
import DMSStructuredText

/// Where a field of a source's or target's effective configuration comes from.
public enum ConfOrigin: String, Sendable {
    /// From the connection: the source does not store it.
    case inherited
    /// The source stores its own value (its `overrides` has the key).
    case overridden
    /// Neither sets it: the default of the connector spec's source or target fields.
    case defaulted = "default"

    /// One field of an effective configuration.
    public struct Field: Sendable {
        /// The key.
        public var key: String
        /// The effective value (secrets as the server shows them, `********`).
        public var value: JSONValue
        /// Where it comes from.
        public var origin: ConfOrigin
    }

    /// The fields of `conf` (the effective configuration), sorted by key: overridden when
    /// `overrides` has the key, inherited when the connection's schema has it (or when that
    /// schema is unknown, `nil`), default otherwise. Keys only in `overrides` follow.
    public static func fields(
        conf: [String: JSONValue], overrides: [String: JSONValue], connection: [String: JSONValue]?
    ) -> [Field] {
        let effective = conf.sortedByKey.map { entry -> Field in
            let origin: ConfOrigin
            if overrides[entry.key] != nil {
                origin = .overridden
            } else if let connection, connection[entry.key] == nil {
                origin = .defaulted
            } else {
                origin = .inherited
            }
            return Field(key: entry.key, value: entry.value, origin: origin)
        }
        let extra = overrides.sortedByKey.filter { conf[$0.key] == nil }.map { Field(key: $0.key, value: $0.value, origin: .overridden) }
        return effective + extra
    }
}
