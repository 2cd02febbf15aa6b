import Foundation

/// Everything `apply -f` and `delete -f` do before talking to the server: read the files, check
/// every document's shape, refuse duplicates, and put the documents in dependency order. Any
/// problem stops the command here with a ``ManifestRejection`` naming every problem, nothing sent.
public enum ManifestLoading {
    /// The documents of `paths`, checked and in apply order. Documents without a namespace are
    /// compared among themselves here; ``checkDuplicates(_:defaultNamespace:)`` compares them
    /// with the others once the context's namespace is known.
    ///
    /// - Parameter resolvingSecrets: whether to resolve `fromEnv`/`fromFile` references (apply)
    ///   or leave them (delete, which needs names only).
    /// - Throws: ``ManifestRejection`` for any file or document that does not read or check, or
    ///   when there are no documents at all.
    public static func load(
        _ paths: [String], resolvingSecrets: Bool, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ManifestRejection) -> [ManifestDocument] {
        let (raw, readErrors) = ManifestReader.read(paths)
        let decoder = ManifestDecoder(secrets: resolvingSecrets ? SecretReference.Context(environment: environment, directory: ".") : nil)
        let (documents, decodeErrors) = decoder.decode(raw)
        let errors = readErrors + decodeErrors + ManifestValidator.duplicates(in: documents, defaultNamespace: unresolvedNamespace)
        guard errors.isEmpty else { throw ManifestRejection(errors) }
        guard !documents.isEmpty else {
            throw ManifestRejection(message: "no documents in \(paths.joined(separator: ", "))")
        }
        return ManifestValidator.applyOrder(documents)
    }

    /// Refuses documents that define the same resource once those without a namespace are in
    /// `defaultNamespace` (e.g. one says `namespace: sales`, another none, and the context's is sales).
    public static func checkDuplicates(_ documents: [ManifestDocument], defaultNamespace: String) throws(ManifestRejection) {
        let errors = ManifestValidator.duplicates(in: documents, defaultNamespace: defaultNamespace)
        guard errors.isEmpty else { throw ManifestRejection(errors) }
    }

    /// Stands for "the context's namespace" before it is known; no real name can equal it.
    public static let unresolvedNamespace = "(context)"
}
