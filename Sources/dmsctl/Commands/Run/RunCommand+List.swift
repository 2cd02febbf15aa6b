import ArgumentParser
import DMSAPI
import DMSCommandLineOutput
import DMSProto

extension RunCommand {
    /// `dmsctl run list [--job NAME] [--state S]…`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List runs, newest first.",
            discussion: "Example: dmsctl run list --job nightly-orders --state failed --limit 5")

        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Option(help: ArgumentHelp("Only runs of this job (a name).", valueName: "name"))
        var job: String?

        @Option(help: ArgumentHelp("Only runs in this state (fresh, queued, running, succeeded, failed, cancelled); repeatable.", valueName: "state"))
        var state: [String] = []

        @Option(help: ArgumentHelp("Most runs to show (1 to 1000).", valueName: "n"))
        var limit: Int32 = 20

        @Option(help: ArgumentHelp("Start at this page (printed by an earlier list).", valueName: "token"))
        var pageToken: String?

        func validate() throws {
            if !(1...1000).contains(limit) { throw ValidationError("--limit must be between 1 and 1000") }
            for name in state where Self.states[name.lowercased()] == nil {
                throw ValidationError("--state \(name): one of \(Self.states.keys.sorted().joined(separator: ", "))")
            }
        }

        static let states: [String: Dms_V1_RunState] = [
            "fresh": .fresh, "queued": .queued, "running": .running, "succeeded": .succeeded, "failed": .failed, "cancelled": .cancelled,
        ]

        func run() async throws {
            let (response, jobNames) = try await global.withClient { client, options in
                let namespace = global.namespace ?? ""
                var request = Dms_V1_ListRunsRequest()
                request.namespace = namespace
                request.states = state.compactMap { Self.states[$0.lowercased()] }
                request.pageSize = limit
                request.pageToken = pageToken ?? ""
                if let job {
                    let found = try await client.unary(
                        API.MigrationJobService.getMigrationJob, .with {
                            $0.name = job
                            $0.namespace = namespace
                        }, options: options)
                    request.migrationJobID = found.id
                }
                let response = try await client.unary(API.MigrationJobRunService.listRuns, request, options: options)
                var names = [String: String]()
                if global.output.output == .table {
                    for id in Set(response.runs.map(\.migrationJobID)) {
                        names[id] = try? await client.unary(API.MigrationJobService.getMigrationJob, .with { $0.id = id }, options: options).name
                    }
                }
                return (response, names)
            }
            try global.printer.print(response, table: Dms_V1_MigrationJobRun.listTable(response.runs, jobNames: jobNames))
            if !response.nextPageToken.isEmpty, global.output.output == .table {
                StandardStreams.writeError("More runs: add --page-token \(response.nextPageToken).\n")
            }
        }
    }
}
