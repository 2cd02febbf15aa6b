import DMSClient

/// Carries out documents, one at a time, against one server: ``ApplyRunner`` applies them,
/// ``DeleteRunner`` deletes their resources.
protocol ManifestRunner {
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
    func namespace(of document: ManifestDocument) -> String {
        document.kind.isNamespaced ? document.namespace ?? defaultNamespace : ""
    }

    /// The outcome line for `document`.
    func outcome(_ document: ManifestDocument, _ result: String, fields: [String]? = nil) -> ResourceOutcome {
        let namespace = namespace(of: document)
        return ResourceOutcome(
            kind: document.kind.noun, name: document.name, namespace: namespace.isEmpty ? nil : namespace, result: result,
            fields: fields)
    }

    /// Carries out `documents` in their order against the server `global` says, printing one
    /// outcome each; stops at the first failure, reporting it as a ``ManifestStop``.
    ///
    /// - Throws: ``ManifestError`` (nothing sent) when two documents turn out to define the same
    ///   resource once the context's namespace is known; else the ``ManifestStop``.
    static func carryOut(_ documents: [ManifestDocument], dryRun: Bool, global: GlobalOptions) async throws {
        let settings = try ConnectionSettings.resolve(global)
        let defaultNamespace = settings.configuration.namespace ?? ""
        try ManifestLoading.checkDuplicates(documents, defaultNamespace: defaultNamespace)
        let printer = global.printer
        try await GlobalOptions.withClient(settings) { client, options in
            var runner = Self(client: client, options: options, dryRun: dryRun, defaultNamespace: defaultNamespace)
            for (position, document) in documents.enumerated() {
                do {
                    try await runner.carryOut(document).print(with: printer)
                } catch {
                    throw ManifestStop(document: document, position: position, total: documents.count, verb: verb, cause: error)
                }
            }
        }
    }
}
