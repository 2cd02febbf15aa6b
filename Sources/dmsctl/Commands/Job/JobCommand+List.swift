import ArgumentParser
import DMSAPI
import DMSCommandLineOutput
import DMSProto
import DMSResourceOperations

extension JobCommand {
    /// `dmsctl job list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List migration jobs, ordered by name.",
            discussion: "Example: dmsctl job list --source orders")

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var list: ListOptions

        @Option(help: ArgumentHelp("Only jobs reading this source (a name).", valueName: "name"))
        var source: String?

        @Option(help: ArgumentHelp("Only jobs writing this target (a name).", valueName: "name"))
        var target: String?

        func run() async throws {
            let (collected, sourceNames, targetNames) = try await global.withClient { client, options in
                let namespace = global.namespace ?? ""
                var (sourceID, targetID) = ("", "")
                if let source { sourceID = try await ReferenceLookup.sourceID(source, namespace: namespace, client: client, options: options) }
                if let target { targetID = try await ReferenceLookup.targetID(target, namespace: namespace, client: client, options: options) }
                let collected = try await Pager.collect(list.paging) { pageSize, pageToken in
                    let request = Dms_V1_ListMigrationJobsRequest.with {
                        $0.namespace = namespace
                        $0.namePrefix = list.namePrefix
                        $0.sourceID = sourceID
                        $0.targetID = targetID
                        $0.pageSize = pageSize
                        $0.pageToken = pageToken
                    }
                    let page = try await client.unary(API.MigrationJobService.listMigrationJobs, request, options: options)
                    return (page.migrationJobs, page.nextPageToken)
                }
                guard global.output.output == .table else { return (collected, [String: String](), [String: String]()) }
                return (
                    collected, await ResourceNames.sources(collected.items.map(\.sourceID), client: client, options: options),
                    await ResourceNames.targets(collected.items.map(\.targetID), client: client, options: options)
                )
            }
            let response = Dms_V1_ListMigrationJobsResponse.with {
                $0.migrationJobs = collected.items
                $0.nextPageToken = collected.nextPageToken
            }
            try global.printer.print(
                response, table: Dms_V1_MigrationJob.listTable(collected.items, sourceNames: sourceNames, targetNames: targetNames))
            Pager.noteMore(collected, format: global.output.output)
        }
    }
}
