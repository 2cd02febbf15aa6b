import ArgumentParser
import DMSAPI
import DMSProto
import DMSResourceOperations

extension ConnectionCommand {
    /// `dmsctl connection list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List connections, ordered by name.",
            discussion: "Example: dmsctl connection list --type postgres --prefix pg-")

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var list: ListOptions

        @Option(help: ArgumentHelp("Only connections of this connector type.", valueName: "type"))
        var type: String?

        func run() async throws {
            let collected = try await global.withClient { client, options in
                try await Pager.collect(list.paging) { pageSize, pageToken in
                    let request = Dms_V1_ListConnectionsRequest.with {
                        $0.namespace = global.namespace ?? ""
                        $0.namePrefix = list.namePrefix
                        $0.type = type ?? ""
                        $0.pageSize = pageSize
                        $0.pageToken = pageToken
                    }
                    let page = try await client.unary(API.ConnectionService.listConnections, request, options: options)
                    return (page.connections, page.nextPageToken)
                }
            }
            let response = Dms_V1_ListConnectionsResponse.with {
                $0.connections = collected.items
                $0.nextPageToken = collected.nextPageToken
            }
            try global.printer.print(response)
            Pager.noteMore(collected, format: global.output.output)
        }
    }
}
