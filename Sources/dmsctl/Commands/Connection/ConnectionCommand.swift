import ArgumentParser

/// `dmsctl connection …`: where data lives and how to reach it.
struct ConnectionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connection",
        abstract: "Create, show, change, test, upgrade and delete connections.",
        discussion: """
            A connection is a connector type (see `dmsctl connector list`) and a configuration object, \
            its schema, which must follow that connector's spec. Secrets (the spec's secret fields) are \
            never taken from flags: give them with --password-stdin, --prompt-secrets, or in the \
            --schema-file. The server shows them as "********".
            """,
        subcommands: [Create.self, Get.self, List.self, Describe.self, Update.self, Delete.self, Test.self, Upgrade.self],
        aliases: ["connections", "conn"])
}
