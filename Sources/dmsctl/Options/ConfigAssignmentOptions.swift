import ArgumentParser
import DMSCommandLineInput

/// `--set key=value`, `--set-string key=value` and `--unset key`: changes to a configuration
/// object (a connection's schema, a source's or target's conf, a job's options) on the command
/// line. Secrets are refused here: they would end up in shell history and process listings.
struct ConfigAssignmentOptions: ParsableArguments, Sendable {
    @Option(
        name: .customLong("set"),
        help: ArgumentHelp(
            "Set a field. The value is read as JSON when it parses (5432, true, null, [\"a\"], {\"k\":1}), else taken as a string. Repeatable. Never for secrets.",
            valueName: "key=value"))
    var values: [String] = []

    @Option(
        name: .customLong("set-string"),
        help: ArgumentHelp("Set a field to the value as a string, whatever it looks like. Repeatable.", valueName: "key=value"))
    var stringValues: [String] = []

    @Option(name: .customLong("unset"), help: ArgumentHelp("Remove a field. Repeatable.", valueName: "key"))
    var removals: [String] = []

    func validate() throws {
        do {
            try changes.refuseSecrets(.byNameOnly)
        } catch {
            throw ValidationError(error.message)
        }
    }

    /// The changes the flags ask for.
    var changes: ConfigChanges { ConfigChanges(values: values, stringValues: stringValues, removals: removals) }
}
