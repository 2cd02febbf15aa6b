import ArgumentParser
import DMSAPI
import DMSProto
import DMSResourceOperations

extension RunCommand {
    /// `dmsctl run cancel ID [--wait]`.
    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a run: one not yet started at once; a running one once its Spark application stopped.",
            discussion: "A run that has already ended is refused (exit status 3). Example: dmsctl run cancel 6f1c… --wait")

        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Argument(help: "The run's id.")
        var id: String

        @Flag(help: "Wait until the run has ended, and show how.")
        var wait = false

        func run() async throws {
            let printer = global.printer
            let run = try await global.withClient { client, options in
                let run = try await client.unary(API.MigrationJobRunService.cancelRun, .with { $0.id = id }, options: options)
                guard wait else { return run }
                return try await RunFollower.follow(id, client: client, printer: printer)
            }
            try printer.print(run)
        }
    }
}
