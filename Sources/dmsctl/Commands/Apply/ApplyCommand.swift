import ArgumentParser
import DMSManifest
import DMSResourceOperations

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

    @OptionGroup var manifest: ManifestFileOptions

    @Flag(help: "Report what would change; change nothing.")
    var dryRun = false

    func run() async throws {
        let documents = try ManifestLoading.load(manifest.files, resolvingSecrets: true)
        try await ApplyRunner.carryOut(documents, dryRun: dryRun, global: global)
    }
}
