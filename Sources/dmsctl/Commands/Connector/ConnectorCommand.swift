import ArgumentParser

/// `dmsctl connector …`: the read-only catalog of connector types and their specs.
struct ConnectorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "connector",
        abstract: "Show the connector types dmsd knows and their configuration specs.",
        discussion: "Connectors ship with dmsd; they cannot be created or changed.",
        subcommands: [List.self, Get.self],
        aliases: ["connectors"])
}
