import DMSClient
import DMSCommandLineOutput
import DMSManifest

/// Carries out documents, one at a time, against one server: ``ApplyRunner`` applies them,
/// ``DeleteRunner`` deletes their resources.
public protocol ManifestRunner {
    /// What the runner does to a document, for the message when one fails: `applied`, `deleted`.
    static var verb: String { get }

    /// A runner on `client`; `dryRun` decides and reports but changes nothing; documents without a
    /// namespace are in `defaultNamespace` (the context's; empty: the server's default).
    init(client: RPCClient, options: RPCClient.CallOptions, dryRun: Bool, defaultNamespace: String)

    /// The namespace of documents that give none.
    var defaultNamespace: String { get }

    /// Carries out one document and says what happened to its resource.
    mutating func carryOut(_ document: ManifestDocument) async throws -> ResourceOutcome
}

extension ManifestRunner {
    /// The namespace a document's resource lives in; empty for a namespace.
    public func namespace(of document: ManifestDocument) -> String {
        document.kind.isNamespaced ? document.namespace ?? defaultNamespace : ""
    }

    /// The outcome line for `document`.
    public func outcome(_ document: ManifestDocument, _ result: String, fields: [String]? = nil) -> ResourceOutcome {
        let namespace = namespace(of: document)
        return ResourceOutcome(
            kind: document.kind.noun, name: document.name, namespace: namespace.isEmpty ? nil : namespace, result: result,
            fields: fields)
    }

    /// Carries out `documents` in their order, handing each outcome to `report` (which prints
    /// it); stops at the first failure, of the document or of `report`.
    ///
    /// - Throws: a ``ManifestStop`` naming the document it stopped at and why.
    public mutating func carryOut(
        _ documents: [ManifestDocument], report: (ResourceOutcome) throws -> Void
    ) async throws(ManifestStop) {
        for (position, document) in documents.enumerated() {
            do {
                try report(try await carryOut(document))
            } catch {
                throw ManifestStop(document: document, position: position, total: documents.count, verb: Self.verb, cause: error)
            }
        }
    }
}
