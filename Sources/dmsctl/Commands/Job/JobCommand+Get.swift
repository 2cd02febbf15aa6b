import ArgumentParser
import DMSAPI
import DMSCommandLineOutput
import DMSProto
import DMSResourceOperations

extension JobCommand {
    /// `dmsctl job get NAME|--id ID`.
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a migration job.",
            discussion: "Example: dmsctl job get nightly-orders -o yaml")

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        func run() async throws {
            let (job, names) = try await global.withClient { client, options in
                let job = try await client.unary(
                    API.MigrationJobService.getMigrationJob, .locating(selector, namespace: global.namespace), options: options)
                return (job, try await JobNames.of(job, client: client, options: options))
            }
            try global.printer.print(job, table: job.detailTable(sourceName: names.source, targetName: names.target))
        }
    }
}
