import ArgumentParser
import DMSAPI
import DMSCatalog
import DMSCommandLineInput
import DMSCommandLineOutput
import DMSProto
import DMSResourceOperations
import DMSStructuredText

extension JobCommand {
    /// `dmsctl job update NAME|--id ID …`.
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a migration job's settings.",
            discussion: """
                Only what the flags name changes. --options-file replaces the options object whole; \
                --set, --set-string and --unset change single fields of the current one. The change is \
                sent with the revision read: if someone else changed the job meanwhile, nothing is \
                changed and the exit status is 3. Runs already created keep their settings. To pause \
                or resume, use `job pause` and `job resume`.

                Example: dmsctl job update nightly-orders --schedule "30 2 * * *" --set validation=checksum
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        @Option(help: ArgumentHelp("A new name.", valueName: "name"))
        var newName: String?

        @Option(help: ArgumentHelp("Read from this source (a name) from now on.", valueName: "name"))
        var source: String?

        @Option(help: ArgumentHelp("Write to this target (a name) from now on.", valueName: "name"))
        var target: String?

        @OptionGroup(title: "Settings") var settings: JobSettingsOptions
        @OptionGroup(title: "Options object") var assignments: ConfigAssignmentOptions

        private var builder: ConfigurationBuilder {
            ConfigurationBuilder(file: settings.optionsFile, fileFlag: "--options-file", changes: assignments.changes, secrets: nil)
        }

        func run() async throws {
            let builder = builder
            let (job, names) = try await global.withClient { client, options in
                let current = try await client.unary(
                    API.MigrationJobService.getMigrationJob, .locating(selector, namespace: global.namespace), options: options)
                var request = Dms_V1_UpdateMigrationJobRequest.identified(current.id)
                request.expectedRevision = current.revision
                if let newName {
                    request.newName = newName
                    request.updateMask.append("new_name")
                }
                if let source {
                    request.sourceID = try await ReferenceLookup.sourceID(source, namespace: current.namespace, client: client, options: options)
                    request.updateMask.append("source_id")
                }
                if let target {
                    request.targetID = try await ReferenceLookup.targetID(target, namespace: current.namespace, client: client, options: options)
                    request.updateMask.append("target_id")
                }
                if !builder.isEmpty {
                    let base = StructuredText.objectOrEmpty(current.options)
                    request.options = JSONValue.object(try builder.build(base: base, secretFields: .byNameOnly, promptable: [])).serialized()
                    request.updateMask.append("options")
                }
                try settings.fill(&request)
                guard !request.updateMask.isEmpty else {
                    throw CommandFailure("nothing to change: give at least one setting to change (see --help)", status: .usage)
                }
                let job = try await RevisionConflict.reporting("job/\(current.name)", readRevision: current.revision) {
                    try await client.unary(API.MigrationJobService.updateMigrationJob, request, options: options)
                }
                return (job, try await JobNames.of(job, client: client, options: options))
            }
            try global.printer.print(job, table: job.detailTable(sourceName: names.source, targetName: names.target))
        }
    }
}
