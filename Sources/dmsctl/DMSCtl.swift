import ArgumentParser
import DMSClient
import DMSCommandLineOutput

/// dmsctl — the DMS command-line client: `dmsctl <noun> <verb>`.
///
/// Parsing is ArgumentParser's; running is wrapped so that every failure ends as one readable line
/// on stderr and an exit status from ``ExitStatus``.
@main
struct DMSCtl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dmsctl",
        abstract: "The DMS command-line client.",
        discussion: """
            dmsctl talks to dmsd over TLS. Where and as whom comes from the client configuration \
            (--config, default $DMS_CONFIG, $XDG_CONFIG_HOME/dms/config or ~/.config/dms/config), \
            which dmsd writes on first start: a list of named contexts, one of them current. \
            Flags override the context. The token comes from the context or the environment \
            variable DMS_TOKEN, never from a flag.

            Results go to stdout (-o table, json or yaml); diagnostics go to stderr.

            \(ExitStatus.documentation)
            """,
        version: DMSClientVersion.current,
        subcommands: [
            NamespaceCommand.self, ConnectorCommand.self, ConnectionCommand.self, SourceCommand.self, TargetCommand.self,
            JobCommand.self, RunCommand.self, TokenCommand.self, ApplyCommand.self, DeleteFilesCommand.self,
            HealthCommand.self, ConfigCommand.self, VersionCommand.self, CompletionCommand.self,
        ])

    /// Parses the command line, runs the chosen command, and exits with its ``ExitStatus``.
    static func main() async {
        var command: any ParsableCommand
        do {
            command = try await asyncParseAsRoot()
        } catch {
            exit(withError: error)  // usage errors (64), --help and --version (0)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if ErrorReport.isArgumentParserError(error) { exit(withError: error) }
            let report = ErrorReport(error)
            StandardStreams.writeError(report.text)
            ExitStatus.exit(report.status)
        }
    }
}
