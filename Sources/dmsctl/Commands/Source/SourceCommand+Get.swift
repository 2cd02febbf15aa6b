import ArgumentParser

extension SourceCommand {
    /// `dmsctl source get NAME|--id ID`.
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a source.",
            discussion: "Example: dmsctl source get orders -o json")

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        func run() async throws {
            try await LayeredCommands<SourceAPI>.get(selector, global: global)
        }
    }
}
