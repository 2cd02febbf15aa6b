import ArgumentParser
import DMSAPI
import DMSCatalog
import DMSCommandLineInput
import DMSCommandLineOutput
import DMSProto
import DMSResourceOperations

extension JobCommand {
    /// `dmsctl job create NAME --source SOURCE --target TARGET …`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a migration job pairing a source with a target.",
            discussion: """
                The options object starts from --options-file (JSON or YAML, - for stdin) or empty, \
                then each --set, --set-string and --unset applies.

                Example:
                  dmsctl job create nightly-orders --source orders --target warehouse \\
                    --schedule "0 3 * * *" --time-zone Europe/Berlin --set parallelism=4 \\
                    --spark-conf spark.executor.memory=4g --max-attempts 3 --retry-backoff-seconds 60
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Argument(help: "The new job's name, unique within the namespace.")
        var name: String

        @Option(help: ArgumentHelp("The source to read from (a name, same namespace).", valueName: "name"))
        var source: String

        @Option(help: ArgumentHelp("The target to write to (a name, same namespace).", valueName: "name"))
        var target: String

        @Flag(help: "Create the job paused: its schedule creates no runs until `job resume`.")
        var paused = false

        @OptionGroup(title: "Settings") var settings: JobSettingsOptions
        @OptionGroup(title: "Options object") var assignments: ConfigAssignmentOptions

        private var builder: ConfigurationBuilder {
            ConfigurationBuilder(file: settings.optionsFile, fileFlag: "--options-file", changes: assignments.changes, secrets: nil)
        }

        func run() async throws {
            let builder = builder
            let (job, sourceName, targetName) = try await global.withClient { client, options in
                let namespace = global.namespace ?? ""
                var request = Dms_V1_CreateMigrationJobRequest()
                request.name = name
                request.namespace = namespace
                request.sourceID = try await ReferenceLookup.sourceID(source, namespace: namespace, client: client, options: options)
                request.targetID = try await ReferenceLookup.targetID(target, namespace: namespace, client: client, options: options)
                request.paused = paused
                if !builder.isEmpty {
                    request.options = JSONValue.object(try builder.build(base: [:], secretFields: .byNameOnly, promptable: [])).serialized()
                }
                try settings.fill(&request)
                return (try await client.unary(API.MigrationJobService.createMigrationJob, request, options: options), source, target)
            }
            try global.printer.print(job, table: job.detailTable(sourceName: sourceName, targetName: targetName))
        }
    }
}
