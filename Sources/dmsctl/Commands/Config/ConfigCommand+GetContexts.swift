import ArgumentParser
import DMSClient
import DMSCommandLineOutput

extension ConfigCommand {
    /// `dmsctl config get-contexts`: lists the contexts, marking the current one.
    struct GetContexts: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get-contexts", abstract: "List the contexts; * marks the current one.")

        @OptionGroup var file: ConfigFileOptions
        @OptionGroup var output: OutputOptions

        /// One context as listed: no token, whatever the format.
        struct Summary: Encodable {
            var name: String
            var server: String
            var namespace: String?
            var current: Bool
        }

        func run() throws {
            let config = try file.load()
            let summaries = config.contexts.map {
                Summary(name: $0.name, server: $0.server, namespace: $0.namespace, current: $0.name == config.currentContext)
            }
            let table = TextTable.columns(
                ["current", "name", "server", "namespace"],
                summaries.map { [$0.current ? "*" : "", $0.name, $0.server, $0.namespace ?? ""] })
            try output.printer.print(summaries, table: table)
        }
    }
}
