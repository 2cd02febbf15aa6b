import ArgumentParser

extension SourceCommand {
    /// `dmsctl source delete NAME|--id ID`.
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a source no migration job uses.",
            discussion: """
                The server refuses (exit status 3), naming them, while migration jobs use it.

                Example: dmsctl source delete orders
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        func run() async throws {
            try await LayeredCommands<SourceAPI>.delete(selector, global: global)
        }
    }
}
