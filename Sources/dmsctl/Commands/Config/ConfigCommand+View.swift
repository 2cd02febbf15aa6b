import ArgumentParser
import DMSClient
import DMSCommandLineOutput

extension ConfigCommand {
    /// `dmsctl config view`: the configuration file with its tokens redacted.
    struct View: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "view",
            abstract: "Show the client configuration, tokens redacted.",
            discussion: "-o table (the default) and -o yaml show the file as YAML; -o json as JSON.")

        @OptionGroup var file: ConfigFileOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let redacted = try file.load().redactingTokens()
            let yaml = try YAMLRendering.yaml(redacted)
            try output.printer.print(redacted, table: yaml)
        }
    }
}
