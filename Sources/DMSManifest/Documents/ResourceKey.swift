/// What identifies a resource across documents: kind, namespace (none for namespaces and
/// connections, whose names are unique across all namespaces) and name.
public struct ResourceKey: Hashable, Sendable {
    /// The kind; sources and targets are distinct kinds.
    public var kind: ResourceKind
    /// The namespace, or empty where names are global.
    public var namespace: String
    /// The name.
    public var name: String

    /// The key of `document`, its namespace already resolved to `namespace`.
    public init(_ kind: ResourceKind, namespace: String, name: String) {
        self.kind = kind
        self.namespace = kind.hasGlobalNames ? "" : namespace
        self.name = name
    }
}
