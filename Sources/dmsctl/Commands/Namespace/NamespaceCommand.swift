import ArgumentParser

/// `dmsctl namespace …`: the namespaces that separate tenants.
struct NamespaceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "namespace",
        abstract: "Create, show, change and delete namespaces.",
        discussion: "Creating, changing and deleting namespaces needs an admin token.",
        subcommands: [Create.self, Get.self, List.self, Describe.self, Update.self, Delete.self],
        aliases: ["namespaces", "ns"])
}
