/// One resource as a document of `dmsctl apply -f` describes it, its shape checked.
struct ManifestDocument: Sendable {
    /// Where it came from, for messages.
    var origin: DocumentOrigin
    /// What it describes.
    var kind: ResourceKind
    /// `metadata.name`.
    var name: String
    /// `metadata.namespace` as written; `nil` means the context's namespace (namespaces have none).
    var namespace: String?
    /// `spec`, per kind.
    var spec: ManifestSpec

    /// `connection/pg-main`.
    var label: String { "\(kind.noun)/\(name)" }
}

/// What identifies a resource across documents: kind, namespace (none for namespaces and
/// connections, whose names are unique across all namespaces) and name.
struct ResourceKey: Hashable, Sendable {
    /// The kind; sources and targets are distinct kinds.
    var kind: ResourceKind
    /// The namespace, or empty where names are global.
    var namespace: String
    /// The name.
    var name: String

    /// The key of `document`, its namespace already resolved to `namespace`.
    init(_ kind: ResourceKind, namespace: String, name: String) {
        self.kind = kind
        self.namespace = kind.hasGlobalNames ? "" : namespace
        self.name = name
    }
}
