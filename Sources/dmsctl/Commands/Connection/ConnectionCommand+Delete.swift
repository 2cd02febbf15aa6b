import ArgumentParser
import DMSAPI
import DMSCommandLineOutput
import DMSProto

extension ConnectionCommand {
    /// `dmsctl connection delete NAME|--id ID`.
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a connection no source or target uses.",
            discussion: """
                The server refuses (exit status 3), naming them, while sources or targets use it.

                Example: dmsctl connection delete pg-main
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        func run() async throws {
            _ = try await global.withClient { client, options in
                try await client.unary(
                    API.ConnectionService.deleteConnection, .locating(selector, namespace: global.namespace), options: options)
            }
            try ResourceOutcome(kind: "connection", name: selector.label, result: "deleted").print(with: global.printer)
        }
    }
}
