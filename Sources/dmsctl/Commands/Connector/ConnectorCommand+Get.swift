import ArgumentParser
import DMSAPI
import DMSProto

extension ConnectorCommand {
    /// `dmsctl connector get TYPE`.
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a connector type: its spec versions, secret and connection fields.",
            discussion: """
                In the table, required connection fields are marked with *. -o json or yaml shows the \
                full JSON Schemas as objects.

                Example: dmsctl connector get postgres --spec-version 1 -o yaml
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Argument(help: "The connector type, e.g. postgres.")
        var type: String

        @Option(name: .customLong("spec-version"), help: ArgumentHelp("Only this spec version (default: every version).", valueName: "n"))
        var specVersion: Int32 = 0

        func run() async throws {
            let request = Dms_V1_GetConnectorTypeRequest.with {
                $0.type = type
                $0.version = specVersion
            }
            let connector = try await global.withClient { client, options in
                try await client.unary(API.ConnectorService.getConnectorType, request, options: options)
            }
            try global.printer.print(connector)
        }
    }
}
