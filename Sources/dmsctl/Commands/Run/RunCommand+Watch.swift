import ArgumentParser
import DMSAPI
import DMSCommandLineInput
import DMSCommandLineOutput
import DMSProto
import DMSResourceOperations

extension RunCommand {
    /// `dmsctl run watch [ID] [--job NAME]`.
    struct Watch: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Watch runs change, live: one run until it ends, or every run of a job or namespace until Ctrl-C.",
            discussion: """
                With a run id: its progress until it ends; exit status 0 only if it succeeded (6 otherwise). \
                Without: one line per change of any run in the namespace (or of --job), until Ctrl-C. \
                Example: dmsctl run watch --job nightly-orders
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Argument(help: "A run's id (default: every run).")
        var id: String?

        @Option(help: ArgumentHelp("Only runs of this job (a name).", valueName: "name"))
        var job: String?

        func validate() throws {
            if id != nil, job != nil { throw ValidationError("give a run id or --job, not both") }
        }

        func run() async throws {
            let printer = global.printer
            if let id {
                let final = try await global.withClient { client, _ in try await RunFollower.follow(id, client: client, printer: printer) }
                try RunFollower.conclude(final, printer: printer)
                return
            }
            let settings = try ConnectionSettings.resolve(global)
            let namespace = global.namespace ?? ""
            let job = job
            _ = try await InterruptSignal.cancelling {
                try await GlobalOptions.withClient(settings) { client, options in
                    var request = Dms_V1_WatchRunsRequest()
                    request.namespace = namespace
                    request.sendCurrent = true
                    if let job {
                        request.migrationJobID = try await client.unary(
                            API.MigrationJobService.getMigrationJob, .with {
                                $0.name = job
                                $0.namespace = namespace
                            }, options: options
                        ).id
                    }
                    for try await event in try client.serverStreaming(API.MigrationJobRunService.watchRuns, request) {
                        try printer.printStreamItem(event, line: "\(event.run.id)  \(event.run.progressLine)")
                    }
                }
            }
        }
    }
}
