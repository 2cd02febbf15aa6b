import ArgumentParser
import DMSResourceOperations

/// `dmsctl target …`: where to write: a connection plus the fields that say how.
struct TargetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "target",
        abstract: "Create, show, change and delete targets.",
        discussion: """
            A target extends a connection: it stores only its own fields (its overrides), and its \
            effective configuration is the connection's schema with those laid over it, computed \
            whenever it is read or run — a password rotated on the connection reaches the target at \
            once. `describe` shows which fields are inherited and which overridden.
            """,
        subcommands: TargetAPI.subcommands,
        aliases: ["targets"])
}

extension TargetAPI: LayeredCommandKind {
    static let pluralNoun = "targets"
    static let exampleName = "warehouse"
    static let exampleCreateSetting = "mode=append"
    static let exampleUpdateSetting = "mode=overwrite"
}
