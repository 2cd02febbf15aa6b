import ArgumentParser

/// `dmsctl delete -f FILE|DIR …`: deletes the resources documents describe, in reverse
/// dependency order.
struct DeleteFilesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete the resources described by YAML or JSON documents.",
        discussion: """
            Takes the same documents as `apply` (only kind and metadata matter; secret references \
            are not read) and deletes their resources in reverse dependency order — MigrationJobs, \
            Sources and Targets, Connections, Namespaces — one line each: `deleted`, or `not found` \
            for one already gone (not an error). A refusal by the server stops at that document with \
            its exit status. To delete one resource by name, use `dmsctl <noun> delete NAME`.

            Examples:
              dmsctl delete -f deploy/
              dmsctl delete -f deploy/jobs.yaml --dry-run
            """)

    @OptionGroup(title: "Global Options") var global: GlobalOptions

    @Option(name: [.customShort("f"), .customLong("filename")], help: ArgumentHelp("A file, a directory, or - for stdin. Repeatable.", valueName: "path"))
    var files: [String] = []

    @Flag(help: "Report what would be deleted; delete nothing.")
    var dryRun = false

    func validate() throws {
        if files.isEmpty { throw ValidationError("give the documents with -f FILE|DIR|-") }
        if files.filter({ $0 == "-" }).count > 1 { throw ValidationError("-f - (stdin) can be given once") }
    }

    func run() async throws {
        let documents = Array(try ManifestLoading.load(files, resolvingSecrets: false).reversed())
        let settings = try ConnectionSettings.resolve(global)
        let defaultNamespace = settings.configuration.namespace ?? ""
        try ManifestLoading.checkDuplicates(documents, defaultNamespace: defaultNamespace)
        let printer = global.printer
        let dryRun = dryRun
        try await GlobalOptions.withClient(settings) { client, options in
            let runner = DeleteRunner(client: client, options: options, dryRun: dryRun, defaultNamespace: defaultNamespace)
            for (position, document) in documents.enumerated() {
                do {
                    try await runner.delete(document).print(with: printer)
                } catch {
                    throw ManifestStop(document: document, position: position, total: documents.count, verb: "deleted", cause: error)
                }
            }
        }
    }
}
