import ArgumentParser
import DMSAPI
import DMSCommandLineOutput
import DMSProto

extension JobCommand {
    /// `dmsctl job delete NAME|--id ID`.
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a migration job and its finished runs.",
            discussion: """
                The server refuses (exit status 3) while a run of it is in progress.

                Example: dmsctl job delete nightly-orders
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        func run() async throws {
            _ = try await global.withClient { client, options in
                try await client.unary(
                    API.MigrationJobService.deleteMigrationJob, .locating(selector, namespace: global.namespace), options: options)
            }
            try ResourceOutcome(kind: "job", name: selector.label, result: "deleted").print(with: global.printer)
        }
    }
}
