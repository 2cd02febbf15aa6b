import ArgumentParser

/// `dmsctl token …`: API tokens and their roles.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list, show and revoke API tokens.",
        discussion: """
            Roles: admin (everything, every namespace), editor (reads, creates, changes, deletes and \
            runs resources of its namespace), viewer (reads its namespace). The server keeps only a \
            hash of a token; its secret is shown once, by `token create`.

            Editor and viewer tokens belong to a namespace, admin tokens to none: `get`, `revoke` and \
            `list` look in the namespace given with -n only (not the context's), so without -n they \
            find admin tokens by name and list every token.
            """,
        subcommands: [Create.self, List.self, Get.self, Revoke.self],
        aliases: ["tokens"])
}
