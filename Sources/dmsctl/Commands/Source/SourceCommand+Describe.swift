import ArgumentParser

extension SourceCommand {
    /// `dmsctl source describe NAME|--id ID`: the effective configuration, field by field.
    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a source's effective configuration, each field marked inherited, overridden or default.",
            discussion: """
                A field is "overridden" when the source stores its own value for it, "inherited" when the \
                value comes from the connection, "default" when neither sets it and the connector \
                spec's default applies. Secrets show as the server sends them, "********". \
                With -o json or yaml: the source with conf and overrides as objects, and confOrigins.

                Example: dmsctl source describe orders
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        func run() async throws {
            try await LayeredCommands<SourceAPI>.describe(selector, global: global)
        }
    }
}
