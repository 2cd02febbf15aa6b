/// The checks across documents, once each is known to be well-formed: no resource defined twice.
public enum ManifestValidator {
    /// An error for every document that defines the same resource as an earlier one. Documents
    /// without a namespace count as in `defaultNamespace`.
    public static func duplicates(in documents: [ManifestDocument], defaultNamespace: String) -> [ManifestError] {
        var first: [ResourceKey: DocumentOrigin] = [:]
        var errors: [ManifestError] = []
        for document in documents {
            let key = ResourceKey(document.kind, namespace: document.namespace ?? defaultNamespace, name: document.name)
            if let earlier = first[key] {
                let scope = document.kind.hasGlobalNames ? "" : " in \(describe(namespace: key.namespace))"
                errors.append(
                    ManifestError(
                        document.origin, field: "metadata.name",
                        "\(document.kind.documentName) \"\(document.name)\"\(scope) is already defined in \(earlier)"))
            } else {
                first[key] = document.origin
            }
        }
        return errors
    }

    /// `namespace "sales"`, or what stands for the context's or the server's default namespace.
    public static func describe(namespace: String) -> String {
        switch namespace {
        case "": "the default namespace"
        case ManifestLoading.unresolvedNamespace: "the context's namespace"
        default: "namespace \"\(namespace)\""
        }
    }

    /// `documents` in apply order: by ``ResourceKind/applyRank``, keeping document order within a
    /// rank. Delete uses the reverse.
    public static func applyOrder(_ documents: [ManifestDocument]) -> [ManifestDocument] {
        documents.enumerated().sorted {
            ($0.element.kind.applyRank, $0.offset) < ($1.element.kind.applyRank, $1.offset)
        }.map(\.element)
    }
}
