import ArgumentParser
import DMSClient
import DMSCommandLineOutput

extension ConfigCommand {
    /// `dmsctl config use-context NAME`: makes a context the current one.
    struct UseContext: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "use-context", abstract: "Make a context the current one.")

        @OptionGroup var file: ConfigFileOptions

        @Argument(help: "The context's name.")
        var name: String

        func run() throws {
            var config = try file.load()
            guard config.contexts.contains(where: { $0.name == name }) else {
                let known = config.contexts.map(\.name)
                throw CommandFailure(
                    "no context named \"\(name)\" in \(file.path) (known: "
                        + (known.isEmpty ? "none" : known.joined(separator: ", ")) + ")")
            }
            config.currentContext = name
            try config.save(to: file.path)
            StandardStreams.writeError("Switched to context \"\(name)\".\n")
        }
    }
}
