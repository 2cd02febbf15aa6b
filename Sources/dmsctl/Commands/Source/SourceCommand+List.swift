import ArgumentParser

extension SourceCommand {
    /// `dmsctl source list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List sources, ordered by name.",
            discussion: "Example: dmsctl source list --connection pg-main --limit 50")

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var list: ListOptions

        @Option(help: ArgumentHelp("Only sources extending this connection (a name).", valueName: "name"))
        var connection: String?

        func run() async throws {
            try await LayeredCommands<SourceAPI>.list(list, connection: connection, global: global)
        }
    }
}
