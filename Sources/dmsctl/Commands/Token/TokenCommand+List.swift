import ArgumentParser
import DMSAPI
import DMSProto
import DMSResourceOperations

extension TokenCommand {
    /// `dmsctl token list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List tokens, newest first.",
            discussion: """
                Without -n: every token the caller may see. Never shows a secret, only its first \
                characters (PREFIX).

                Example: dmsctl token list -n sales --include-revoked
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Flag(help: "Include revoked tokens.")
        var includeRevoked = false

        @Option(help: ArgumentHelp("Page size (1 to 1000); shows only the first page unless --all.", valueName: "n"))
        var limit: Int32?

        @Option(help: ArgumentHelp("Start at this page (printed by an earlier --limit).", valueName: "token"))
        var pageToken: String?

        @Flag(help: "Fetch every page (the default without --limit).")
        var all = false

        func validate() throws {
            if let limit, !(1...1000).contains(limit) { throw ValidationError("--limit must be between 1 and 1000") }
        }

        func run() async throws {
            let plan = Pager.Plan(pageSize: limit ?? 0, pageToken: pageToken ?? "", followsAllPages: all || limit == nil)
            let collected = try await global.withClient { client, options in
                try await Pager.collect(plan) { pageSize, pageToken in
                    let request = Dms_V1_ListTokensRequest.with {
                        $0.namespace = global.namespace ?? ""
                        $0.includeRevoked = includeRevoked
                        $0.pageSize = pageSize
                        $0.pageToken = pageToken
                    }
                    let page = try await client.unary(API.TokenService.listTokens, request, options: options)
                    return (page.tokens, page.nextPageToken)
                }
            }
            let response = Dms_V1_ListTokensResponse.with {
                $0.tokens = collected.items
                $0.nextPageToken = collected.nextPageToken
            }
            try global.printer.print(response)
            Pager.noteMore(collected, format: global.output.output)
        }
    }
}
