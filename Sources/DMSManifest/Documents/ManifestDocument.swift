/// One resource as a document of `dmsctl apply -f` describes it, its shape checked.
public struct ManifestDocument: Sendable {
    /// Where it came from, for messages.
    public var origin: DocumentOrigin
    /// What it describes.
    public var kind: ResourceKind
    /// `metadata.name`.
    public var name: String
    /// `metadata.namespace` as written; `nil` means the context's namespace (namespaces have none).
    public var namespace: String?
    /// `spec`, per kind.
    public var spec: ManifestSpec

    /// A document of `kind` at `origin` describing `name` (in `namespace`) as `spec` says.
    public init(origin: DocumentOrigin, kind: ResourceKind, name: String, namespace: String? = nil, spec: ManifestSpec) {
        self.origin = origin
        self.kind = kind
        self.name = name
        self.namespace = namespace
        self.spec = spec
    }

    /// `connection/pg-main`.
    public var label: String { "\(kind.noun)/\(name)" }
}
