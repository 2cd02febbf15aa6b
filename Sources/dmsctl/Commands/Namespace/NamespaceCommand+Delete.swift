import ArgumentParser
import DMSAPI
import DMSCommandLineOutput
import DMSProto

extension NamespaceCommand {
    /// `dmsctl namespace delete NAME`.
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete an empty namespace.",
            discussion: """
                The server refuses (exit status 3) while any resource still belongs to the namespace.

                Example: dmsctl namespace delete sales
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Argument(help: "The namespace's name.")
        var name: String

        func run() async throws {
            _ = try await global.withClient { client, options in
                try await client.unary(API.NamespaceService.deleteNamespace, .with { $0.name = name }, options: options)
            }
            try ResourceOutcome(kind: "namespace", name: name, result: "deleted").print(with: global.printer)
        }
    }
}
