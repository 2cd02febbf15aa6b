import ArgumentParser

extension TargetCommand {
    /// `dmsctl target get NAME|--id ID`.
    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a target.",
            discussion: "Example: dmsctl target get warehouse -o json")

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        func run() async throws {
            try await LayeredCommands<TargetAPI>.get(selector, global: global)
        }
    }
}
