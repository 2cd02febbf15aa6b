import ArgumentParser

extension TargetCommand {
    /// `dmsctl target delete NAME|--id ID`.
    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete a target no migration job uses.",
            discussion: """
                The server refuses (exit status 3), naming them, while migration jobs use it.

                Example: dmsctl target delete warehouse
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        func run() async throws {
            try await LayeredCommands<TargetAPI>.delete(selector, global: global)
        }
    }
}
