import ArgumentParser

extension TargetCommand {
    /// `dmsctl target describe NAME|--id ID`: the effective configuration, field by field.
    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a target's effective configuration, each field marked inherited, overridden or default.",
            discussion: """
                A field is "overridden" when the target stores its own value for it, "inherited" when the \
                value comes from the connection, "default" when neither sets it and the connector \
                spec's default applies. Secrets show as the server sends them, "********". \
                With -o json or yaml: the target with conf and overrides as objects, and confOrigins.

                Example: dmsctl target describe warehouse
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        func run() async throws {
            try await LayeredCommands<TargetAPI>.describe(selector, global: global)
        }
    }
}
