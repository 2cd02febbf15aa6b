import ArgumentParser

/// `dmsctl apply -f FILE|DIR … [--dry-run]`: creates or updates resources from documents.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Create or update resources from YAML or JSON documents.",
        discussion: """
            Every document is read and checked (shape, kind, names, no resource twice) before \
            anything is sent; a problem is reported with its file, document number (from 1) and \
            field, and exits 64. Documents are then applied in dependency order — Namespaces, \
            Connections, Sources and Targets, MigrationJobs — each created if missing, updated if \
            it differs, and left alone if not. One line per document on stdout:

              connection/pg-main created | configured (fields: …) | unchanged

            Applying the same documents twice changes nothing the second time. Secrets cannot be \
            compared (the server shows "********"): a document holding one is sent, and reported \
            unchanged when the server's revision did not move. --dry-run changes nothing and says \
            would create, would update (fields: …), would send secrets, or unchanged. A refusal by \
            the server stops at that document: the lines above it were applied, the ones after were \
            not sent, and the exit status is the refusal's (see dmsctl --help).

            \(ManifestHelp.documentShape)

            Examples:
              dmsctl apply -f deploy/ --dry-run
              dmsctl apply -f deploy/ -n sales
            """)

    @OptionGroup(title: "Global Options") var global: GlobalOptions

    @Option(name: [.customShort("f"), .customLong("filename")], help: ArgumentHelp("A file, a directory, or - for stdin. Repeatable.", valueName: "path"))
    var files: [String] = []

    @Flag(help: "Report what would change; change nothing.")
    var dryRun = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("give the documents with -f FILE|DIR|-") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("-f - (stdin) can be given once") }
    }

    func run() async throws {
        let documents = try ManifestLoading.load(files, resolvingSecrets: true)
        let settings = try ConnectionSettings.resolve(global)
        let defaultNamespace = settings.configuration.namespace ?? ""
        try ManifestLoading.checkDuplicates(documents, defaultNamespace: defaultNamespace)
        let printer = global.printer
        let dryRun = dryRun
        try await GlobalOptions.withClient(settings) { client, options in
            var runner = ApplyRunner(client: client, options: options, dryRun: dryRun, defaultNamespace: defaultNamespace)
            for (position, document) in documents.enumerated() {
                do {
                    try await runner.apply(document).print(with: printer)
                } catch {
                    throw ManifestStop(document: document, position: position, total: documents.count, verb: "applied", cause: error)
                }
            }
        }
    }
}
