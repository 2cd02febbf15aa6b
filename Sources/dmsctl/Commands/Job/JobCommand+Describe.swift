import ArgumentParser
import DMSAPI
import DMSClient
import DMSCommandLineOutput
import DMSProto
import DMSResourceOperations
import DMSWire

extension JobCommand {
    /// `dmsctl job describe NAME|--id ID`: the job and its latest runs.
    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a migration job and its latest runs.",
            discussion: "Example: dmsctl job describe nightly-orders")

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        /// How many runs describe shows.
        static let runCount: Int32 = 5

        func run() async throws {
            let (job, names, runs) = try await global.withClient { client, options in
                let job = try await client.unary(
                    API.MigrationJobService.getMigrationJob, .locating(selector, namespace: global.namespace), options: options)
                let names = try await JobNames.of(job, client: client, options: options)
                return (job, names, try await Self.latestRuns(of: job, client: client, options: options))
            }
            var document = try EmbeddedJSON.document(job)
            if let runs {
                document["latestRuns"] = .array(try runs.map { .object(try EmbeddedJSON.document($0)) })
            }
            let runTable: String
            if let runs, !runs.isEmpty {
                runTable = TextTable.columns(
                    ["run", "state", "trigger", "attempt", "age"],
                    runs.map {
                        [$0.id, $0.state.displayName, $0.trigger.displayName, String($0.attempt), TimestampText.age($0.createTime, isSet: $0.hasCreateTime)]
                    })
            } else {
                runTable = runs == nil ? "(runs unavailable)\n" : "(no runs yet)\n"
            }
            let table = job.detailTable(sourceName: names.source, targetName: names.target) + "\nLATEST RUNS\n" + runTable
            global.printer.print(document: .object(document), table: table)
        }

        /// The newest runs; `nil` when the server cannot list runs (yet).
        private static func latestRuns(
            of job: Dms_V1_MigrationJob, client: RPCClient, options: RPCClient.CallOptions
        ) async throws -> [Dms_V1_MigrationJobRun]? {
            let request = Dms_V1_ListRunsRequest.with {
                $0.namespace = job.namespace
                $0.migrationJobID = job.id
                $0.pageSize = runCount
            }
            do {
                return try await client.unary(API.MigrationJobRunService.listRuns, request, options: options).runs
            } catch let error as RPCError where error.code == .unimplemented {
                return nil
            }
        }
    }
}
