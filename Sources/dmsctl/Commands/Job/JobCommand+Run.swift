import ArgumentParser
import DMSAPI
import DMSProto

extension JobCommand {
    /// `dmsctl job run NAME|--id ID`.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a run of a migration job now, whatever its schedule, even when paused.",
            discussion: "Example: dmsctl job run nightly-orders -o json")

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        func run() async throws {
            let run = try await global.withClient { client, options in
                try await client.unary(API.MigrationJobService.runJob, .locating(selector, namespace: global.namespace), options: options)
            }
            try global.printer.print(run)
        }
    }
}
