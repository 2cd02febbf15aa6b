import ArgumentParser
import DMSAPI
import DMSProto

extension RunCommand {
    /// `dmsctl run get ID`.
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show one run: state, times, Spark application, rows per table, error.",
            discussion: "Example: dmsctl run get 6f1c…")

        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Argument(help: "The run's id.")
        var id: String

        func run() async throws {
            let run = try await global.withClient { client, options in
                try await client.unary(API.MigrationJobRunService.getRun, .with { $0.id = id }, options: options)
            }
            try global.printer.print(run)
        }
    }
}
