import ArgumentParser
import DMSAPI
import DMSCommandLineOutput
import DMSProto
import DMSResourceOperations

extension JobCommand {
    /// `dmsctl job pause NAME|--id ID`.
    struct Pause: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Stop a job's schedule from creating runs; runs in progress go on.",
            discussion: "Pausing a paused job changes nothing.\n\nExample: dmsctl job pause nightly-orders")

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        func run() async throws {
            let (job, names) = try await global.withClient { client, options in
                let job = try await client.unary(
                    API.MigrationJobService.pauseJob, .locating(selector, namespace: global.namespace), options: options)
                return (job, try await JobNames.of(job, client: client, options: options))
            }
            try global.printer.print(job, table: job.detailTable(sourceName: names.source, targetName: names.target))
        }
    }
}
