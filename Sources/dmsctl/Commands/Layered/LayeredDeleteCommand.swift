import ArgumentParser
import DMSCommandLineOutput

/// `dmsctl source|target delete NAME|--id ID`.
struct LayeredDeleteCommand<Kind: LayeredCommandKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "delete",
            abstract: "Delete a \(Kind.noun) no migration job uses.",
            discussion: """
                The server refuses (exit status 3), naming them, while migration jobs use it.

                Example: dmsctl \(Kind.noun) delete \(Kind.exampleName)
                """)
    }

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var selector: ResourceSelectorOptions

    func run() async throws {
        _ = try await global.withClient { client, options in
            try await client.unary(Kind.delete, .locating(selector, namespace: global.namespace), options: options)
        }
        try ResourceOutcome(kind: Kind.noun, name: selector.label, result: "deleted").print(with: global.printer)
    }
}
