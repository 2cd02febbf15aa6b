import ArgumentParser
import DMSAPI
import DMSProto

extension ConnectorCommand {
    /// `dmsctl connector list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the connector types, ordered by type.",
            discussion: "Example: dmsctl connector list --all-versions -o yaml")

        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Flag(help: "Include every spec version (default: only the latest).")
        var allVersions = false

        func run() async throws {
            let connectors = try await global.withClient { client, options in
                try await client.unary(API.ConnectorService.listConnectorTypes, .with { $0.allVersions = allVersions }, options: options)
            }
            try global.printer.print(connectors)
        }
    }
}
