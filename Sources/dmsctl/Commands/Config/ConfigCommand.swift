import ArgumentParser

/// `dmsctl config …`: read and change the client configuration file (contexts).
struct ConfigCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Show and change the client configuration (contexts).",
        discussion: "Changes are written atomically and keep the file at mode 0600: it holds tokens.",
        subcommands: [GetContexts.self, CurrentContext.self, UseContext.self, SetContext.self, View.self])
}
