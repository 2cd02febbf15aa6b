import ArgumentParser
import DMSCommandLineOutput

/// `dmsctl completion bash|zsh|fish`: the shell completion script.
struct CompletionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion",
        abstract: "Print the shell completion script.",
        discussion: """
            bash: source <(dmsctl completion bash)
            zsh:  dmsctl completion zsh > "${fpath[1]}/_dmsctl"
            fish: dmsctl completion fish > ~/.config/fish/completions/dmsctl.fish
            """)

    /// The shells ArgumentParser writes scripts for.
    enum Shell: String, ExpressibleByArgument, CaseIterable {
        case bash, zsh, fish
    }

    @Argument(help: "The shell.")
    var shell: Shell

    func run() throws {
        guard let completionShell = CompletionShell(rawValue: shell.rawValue) else {
            throw ValidationError("no completion for \(shell.rawValue)")
        }
        StandardStreams.write(DMSCtl.completionScript(for: completionShell))
    }
}
