import ArgumentParser
import DMSAPI
import DMSCommandLineOutput
import DMSProto
import DMSResourceOperations

extension JobCommand {
    /// `dmsctl job resume NAME|--id ID`.
    struct Resume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Let a job's schedule create runs again; missed ticks follow its misfire policy.",
            discussion: "Resuming a job that is not paused changes nothing.\n\nExample: dmsctl job resume nightly-orders")

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        func run() async throws {
            let (job, names) = try await global.withClient { client, options in
                let job = try await client.unary(
                    API.MigrationJobService.resumeJob, .locating(selector, namespace: global.namespace), options: options)
                return (job, try await JobNames.of(job, client: client, options: options))
            }
            try global.printer.print(job, table: job.detailTable(sourceName: names.source, targetName: names.target))
        }
    }
}
