import ArgumentParser

extension TargetCommand {
    /// `dmsctl target update NAME|--id ID …`.
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a target's name, connection or own fields.",
            discussion: """
                Reads the target, applies the flags to its own fields (--conf-file replaces them whole; \
                --set, --set-string and --unset change single fields; secrets shown as "********" keep \
                their stored values), and sends the result with the revision it read. If someone else \
                changed it meanwhile, nothing is changed and the exit status is 3.

                Example: dmsctl target update warehouse --set mode=overwrite
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        @Option(help: ArgumentHelp("A new name.", valueName: "name"))
        var newName: String?

        @Option(help: ArgumentHelp("Extend this connection (a name) from now on.", valueName: "name"))
        var connection: String?

        @Option(
            name: [.customLong("conf-file"), .customLong("schema-file")],
            help: ArgumentHelp("All of the target's own fields, in a JSON or YAML file; - reads stdin.", valueName: "file"))
        var confFile: String?

        @OptionGroup(title: "Configuration") var assignments: ConfigAssignmentOptions
        @OptionGroup(title: "Secrets") var secrets: SecretInputOptions

        private var builder: ConfigurationBuilder {
            ConfigurationBuilder(file: confFile, fileFlag: "--conf-file", assignments: assignments, secrets: secrets)
        }

        func validate() throws {
            try builder.validate()
            if newName == nil, connection == nil, builder.isEmpty {
                throw ValidationError("nothing to change: give --new-name, --connection, --conf-file, --set, --set-string, --unset or a secret option")
            }
        }

        func run() async throws {
            try await LayeredCommands<TargetAPI>.update(
                selector, newName: newName, connection: connection, builder: builder, global: global)
        }
    }
}
