import ArgumentParser
import DMSClient
import DMSCommandLineOutput

extension ConfigCommand {
    /// `dmsctl config current-context`: prints the current context's name.
    struct CurrentContext: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "current-context", abstract: "Print the current context's name.")

        @OptionGroup var file: ConfigFileOptions

        func run() throws {
            guard let current = try file.load().currentContext else {
                throw CommandFailure("no current context in \(file.path): run `dmsctl config use-context NAME`")
            }
            StandardStreams.write(current + "\n")
        }
    }
}
