import ArgumentParser
import DMSAPI
import DMSCommandLineOutput
import DMSProto
import DMSResourceOperations

extension JobCommand {
    /// `dmsctl job run NAME|--id ID`.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Start a run of a migration job now, whatever its schedule, even when paused.",
            discussion: """
                Prints the new run. With --wait, follows it with a live progress line (state, tables, a bar \
                and rows written) until it ends, then shows it with one row per table; the exit status is 0 \
                only if it succeeded (6 if it failed or was cancelled). \
                Example: dmsctl job run nightly-orders --wait
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        @Flag(help: "Follow the run until it ends; exit 0 only if it succeeded.")
        var wait = false

        func run() async throws {
            let printer = global.printer
            let wait = wait
            let run = try await global.withClient { client, options in
                let run = try await client.unary(API.MigrationJobService.runJob, .locating(selector, namespace: global.namespace), options: options)
                guard wait else { return run }
                if printer.format == .table { StandardStreams.write("run \(run.id)\n") }
                return try await RunFollower.follow(run.id, client: client, printer: printer)
            }
            guard wait else { return try printer.print(run) }
            try RunFollower.conclude(run, printer: printer)
        }
    }
}
