import ArgumentParser
import DMSAPI
import DMSProto

extension NamespaceCommand {
    /// `dmsctl namespace get NAME`.
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a namespace.",
            discussion: "Example: dmsctl namespace get sales -o yaml")

        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Argument(help: "The namespace's name.")
        var name: String

        func run() async throws {
            let namespace = try await global.withClient { client, options in
                try await client.unary(API.NamespaceService.getNamespace, .with { $0.name = name }, options: options)
            }
            try global.printer.print(namespace)
        }
    }
}
