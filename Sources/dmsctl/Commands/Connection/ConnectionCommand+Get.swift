import ArgumentParser
import DMSAPI
import DMSProto

extension ConnectionCommand {
    /// `dmsctl connection get NAME|--id ID`.
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a connection.",
            discussion: "Example: dmsctl connection get pg-main -o yaml")

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        func run() async throws {
            let connection = try await global.withClient { client, options in
                try await client.unary(
                    API.ConnectionService.getConnection, .locating(selector, namespace: global.namespace), options: options)
            }
            try global.printer.print(connection)
        }
    }
}
