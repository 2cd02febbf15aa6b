import ArgumentParser
import DMSResourceOperations

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
        subcommands: SourceAPI.subcommands,
        aliases: ["sources"])
}

extension SourceAPI: LayeredCommandKind {
    static let pluralNoun = "sources"
    static let exampleName = "orders"
    static let exampleCreateSetting = #"tables='["public.orders"]'"#
    static let exampleUpdateSetting = #"query="select * from orders""#
}
