/// The configuration a Source or Target actually runs with: its Connection's configuration, the
/// spec's defaults, and its own overrides laid over them; and where each field came from.
public struct EffectiveConf: Sendable, Hashable {
    /// Where an effective field's value came from.
    public enum FieldOrigin: String, Sendable, Hashable, CaseIterable {
        /// The Connection's configuration.
        case inherited
        /// The Source's or Target's own overrides.
        case overridden
        /// The spec's `default`, because neither side gave a value.
        case defaulted
    }

    /// Every field: each field of the Connection's configuration, each override, and each
    /// defaulted field of the connection and role schemas.
    public var values: [String: JSONValue]
    /// The origin of each field of ``values`` (same keys).
    public var origin: [String: FieldOrigin]

    /// An effective configuration from its values and their origins.
    public init(values: [String: JSONValue], origin: [String: FieldOrigin]) {
        self.values = values
        self.origin = origin
    }

    /// The fields that came from the overrides.
    public var overriddenFields: [String] {
        origin.filter { $0.value == .overridden }.keys.sorted(by: JSONValue.codePointOrder)
    }
}
