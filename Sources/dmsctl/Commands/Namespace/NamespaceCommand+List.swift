import ArgumentParser
import DMSAPI
import DMSProto
import DMSResourceOperations

extension NamespaceCommand {
    /// `dmsctl namespace list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List namespaces, ordered by name.",
            discussion: "Example: dmsctl namespace list --prefix sales --limit 20")

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var list: ListOptions

        func run() async throws {
            let collected = try await global.withClient { client, options in
                try await Pager.collect(list.paging) { pageSize, pageToken in
                    let request = Dms_V1_ListNamespacesRequest.with {
                        $0.pageSize = pageSize
                        $0.pageToken = pageToken
                        $0.namePrefix = list.namePrefix
                    }
                    let page = try await client.unary(API.NamespaceService.listNamespaces, request, options: options)
                    return (page.namespaces, page.nextPageToken)
                }
            }
            let response = Dms_V1_ListNamespacesResponse.with {
                $0.namespaces = collected.items
                $0.nextPageToken = collected.nextPageToken
            }
            try global.printer.print(response)
            Pager.noteMore(collected, format: global.output.output)
        }
    }
}
