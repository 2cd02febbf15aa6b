import ArgumentParser
import DMSManifest
import DMSResourceOperations

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

    @OptionGroup var manifest: ManifestFileOptions

    @Flag(help: "Report what would be deleted; delete nothing.")
    var dryRun = false

    func run() async throws {
        // Reverse dependency order: what uses a resource goes before it.
        let documents = Array(try ManifestLoading.load(manifest.files, resolvingSecrets: false).reversed())
        try await DeleteRunner.carryOut(documents, dryRun: dryRun, global: global)
    }
}
