import ArgumentParser

extension SourceCommand {
    /// `dmsctl source create NAME --connection CONNECTION …`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a source on a connection.",
            discussion: """
                The source's own fields start from --conf-file (JSON or YAML, - for stdin) or empty, then \
                each --set, --set-string and --unset applies, then the secrets. Fields it does not set \
                are inherited from the connection.

                Example: dmsctl source create orders --connection pg-main --set tables='["public.orders"]'
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Argument(help: "The new source's name, unique within the namespace.")
        var name: String

        @Option(help: ArgumentHelp("The connection it extends, by name.", valueName: "name"))
        var connection: String?

        @Option(help: ArgumentHelp("The connection it extends, by id.", valueName: "id"))
        var connectionId: String?

        @Option(
            name: [.customLong("conf-file"), .customLong("schema-file")],
            help: ArgumentHelp("The source's own fields in a JSON or YAML file; - reads stdin.", valueName: "file"))
        var confFile: String?

        @OptionGroup(title: "Configuration") var assignments: ConfigAssignmentOptions
        @OptionGroup(title: "Secrets") var secrets: SecretInputOptions

        private var builder: ConfigurationBuilder {
            ConfigurationBuilder(file: confFile, fileFlag: "--conf-file", assignments: assignments, secrets: secrets)
        }

        func validate() throws {
            try builder.validate()
            if (connection == nil) == (connectionId == nil) { throw ValidationError("give --connection NAME or --connection-id ID") }
        }

        func run() async throws {
            try await LayeredCommands<SourceAPI>.create(
                name: name, connection: connection, connectionID: connectionId, builder: builder, global: global)
        }
    }
}
