import ArgumentParser

/// `dmsctl token …`: API tokens and their roles.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Create, list, show, describe, revoke and delete API tokens.",
        discussion: """
            Roles: admin (everything, every namespace), editor (reads, creates, changes, deletes and \
            runs resources of its namespace), viewer (reads its namespace). The server keeps only a \
            hash of a token; its secret is shown once, by `token create`.

            Editor and viewer tokens belong to a namespace, admin tokens to none: `get`, `describe`, \
            `revoke`, `delete` and `list` look in the namespace given with -n only (not the \
            context's), so without -n they find admin tokens by name and list every token.

            Tokens are immutable: there is no update. To change a token's role, namespace or \
            lifetime, create a new one, hand it out, then delete the old one (`delete` is `revoke`).
            """,
        subcommands: [Create.self, List.self, Get.self, Describe.self, Revoke.self, Delete.self],
        aliases: ["tokens"])
}
