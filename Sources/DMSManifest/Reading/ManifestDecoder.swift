import DMSCatalog
import DMSStructuredText

/// Checks the shape of documents and turns them into ``ManifestDocument``s:
///
/// ```yaml
/// kind: Connection                        # Namespace, Connection, Source, Target, MigrationJob (Job)
/// metadata: {name: pg-main, namespace: sales}
/// spec: {…}                               # per kind
/// ```
///
/// Every document is checked; each one that fails yields one error naming its file, index and field.
public struct ManifestDecoder {
    /// Where secret references are resolved from (`nil`: they are left as they are, for delete).
    public var secrets: SecretReference.Context?

    /// A decoder resolving secret references from `secrets` (`nil`: leaving them).
    public init(secrets: SecretReference.Context?) {
        self.secrets = secrets
    }

    /// The keys a document may have at its top level.
    public static let topLevelKeys = ["apiVersion", "kind", "metadata", "spec"]
    /// The only `apiVersion` accepted (it may be left out).
    public static let apiVersion = "dms/v1"

    /// The documents of `raw` that decode, and an error for each that does not. Empty documents
    /// (`---` with nothing after it) are skipped.
    public func decode(_ raw: [ManifestReader.RawDocument]) -> ([ManifestDocument], [ManifestError]) {
        var documents: [ManifestDocument] = []
        var errors: [ManifestError] = []
        for document in raw {
            if case .null = document.value { continue }
            do {
                documents.append(try decode(document))
            } catch {
                errors.append(error)
            }
        }
        return (documents, errors)
    }

    /// One document.
    public func decode(_ raw: ManifestReader.RawDocument) throws(ManifestError) -> ManifestDocument {
        guard case .object(let root) = raw.value else {
            throw ManifestError(raw.origin, "a document must be an object with kind, metadata and spec, not \(raw.value.kindDescription)")
        }
        do throws(FieldReader.FieldError) {
            let top = try FieldReader(root, path: "", allowed: Self.topLevelKeys)
            if let version = try top.string("apiVersion"), version != Self.apiVersion {
                throw FieldReader.FieldError(field: "apiVersion", problem: "must be \(Self.apiVersion) (or left out)")
            }
            let kindText = try top.requiredString("kind")
            guard let kind = ResourceKind(documentKind: kindText) else {
                throw FieldReader.FieldError(field: "kind", problem: "unknown kind \"\(kindText)\" (known: \(ResourceKind.documentNames))")
            }
            guard let metadataObject = try top.object("metadata") else {
                throw FieldReader.FieldError(field: "metadata", problem: "required (with at least name)")
            }
            let metadata = try FieldReader(metadataObject, path: "metadata", allowed: kind.isNamespaced ? ["name", "namespace"] : ["name"])
            let name = try metadata.requiredName("name")
            var namespace: String?
            if kind.isNamespaced, try metadata.string("namespace") != nil {
                namespace = try metadata.requiredName("namespace")
            }
            let specObject = try top.object("spec")
            if specObject == nil, kind != .namespace {
                throw FieldReader.FieldError(field: "spec", problem: "required for a \(kind.documentName)")
            }
            let context = secrets.map { SecretReference.Context(environment: $0.environment, directory: raw.directory) }
            let spec = try SpecDecoder(secrets: context).decode(kind, specObject ?? [:])
            return ManifestDocument(origin: raw.origin, kind: kind, name: name, namespace: namespace, spec: spec)
        } catch {
            throw ManifestError(raw.origin, field: error.field.isEmpty ? nil : error.field, error.problem)
        }
    }
}
