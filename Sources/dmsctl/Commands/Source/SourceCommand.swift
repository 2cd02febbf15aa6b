import ArgumentParser

/// `dmsctl source …`: what to read: a connection plus the fields that say which data.
struct SourceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "source",
        abstract: "Create, show, change and delete sources.",
        discussion: """
            A source extends a connection: it stores only its own fields (its overrides), and its \
            effective configuration is the connection's schema with those laid over it, computed \
            whenever it is read or run — a password rotated on the connection reaches the source at \
            once. `describe` shows which fields are inherited and which overridden.
            """,
        subcommands: [Create.self, Get.self, List.self, Describe.self, Update.self, Delete.self],
        aliases: ["sources"])
}
