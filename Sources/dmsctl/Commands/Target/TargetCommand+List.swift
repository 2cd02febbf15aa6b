import ArgumentParser

extension TargetCommand {
    /// `dmsctl target list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List targets, ordered by name.",
            discussion: "Example: dmsctl target list --connection pg-main --limit 50")

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var list: ListOptions

        @Option(help: ArgumentHelp("Only targets extending this connection (a name).", valueName: "name"))
        var connection: String?

        func run() async throws {
            try await LayeredCommands<TargetAPI>.list(list, connection: connection, global: global)
        }
    }
}
