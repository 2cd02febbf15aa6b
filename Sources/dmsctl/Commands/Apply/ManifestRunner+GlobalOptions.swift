import DMSCommandLineOutput
import DMSManifest
import DMSResourceOperations

extension ManifestRunner {
    /// Carries out `documents` in their order against the server `global` says, printing one
    /// outcome each; stops at the first failure, reporting it as a ``ManifestStop``.
    ///
    /// - Throws: ``ManifestRejection`` (nothing sent) when two documents turn out to define the
    ///   same resource once the context's namespace is known; else the ``ManifestStop``.
    static func carryOut(_ documents: [ManifestDocument], dryRun: Bool, global: GlobalOptions) async throws {
        let settings = try ConnectionSettings.resolve(global)
        let defaultNamespace = settings.configuration.namespace ?? ""
        try ManifestLoading.checkDuplicates(documents, defaultNamespace: defaultNamespace)
        let printer = global.printer
        try await GlobalOptions.withClient(settings) { client, options in
            var runner = Self(client: client, options: options, dryRun: dryRun, defaultNamespace: defaultNamespace)
            try await runner.carryOut(documents) { try $0.print(with: printer) }
        }
    }
}
