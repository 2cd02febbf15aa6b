import ArgumentParser
import DMSAPI
import DMSProto

extension NamespaceCommand {
    /// `dmsctl namespace create NAME`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a namespace.",
            discussion: "Example: dmsctl namespace create sales --description \"Sales team\"")

        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Argument(help: "The new namespace's name (a-z, 0-9, '-'; starts with a letter).")
        var name: String

        @Option(help: ArgumentHelp("Free text for people.", valueName: "text"))
        var description: String?

        func run() async throws {
            let request = Dms_V1_CreateNamespaceRequest.with {
                $0.name = name
                $0.description_p = description ?? ""
            }
            let created = try await global.withClient { client, options in
                try await client.unary(API.NamespaceService.createNamespace, request, options: options)
            }
            try global.printer.print(created)
        }
    }
}
