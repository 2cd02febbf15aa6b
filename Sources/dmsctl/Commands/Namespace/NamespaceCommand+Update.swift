import ArgumentParser
import DMSAPI
import DMSProto
import DMSResourceOperations

extension NamespaceCommand {
    /// `dmsctl namespace update NAME --description TEXT`.
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a namespace's description.",
            discussion: """
                Reads the namespace, then sends the change with the revision it read: if someone else \
                changed it meanwhile, nothing is changed and the exit status is 3.

                Example: dmsctl namespace update sales --description "Sales and marketing"
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Argument(help: "The namespace's name.")
        var name: String

        @Option(help: ArgumentHelp("The new description (\"\" clears it).", valueName: "text"))
        var description: String

        func run() async throws {
            let updated = try await global.withClient { client, options in
                let current = try await client.unary(API.NamespaceService.getNamespace, .with { $0.name = name }, options: options)
                let request = Dms_V1_UpdateNamespaceRequest.with {
                    $0.name = name
                    $0.expectedRevision = current.revision
                    $0.updateMask = ["description"]
                    $0.description_p = description
                }
                return try await RevisionConflict.reporting("namespace/\(name)", readRevision: current.revision) {
                    try await client.unary(API.NamespaceService.updateNamespace, request, options: options)
                }
            }
            try global.printer.print(updated)
        }
    }
}
