import ArgumentParser
import DMSCatalog

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
            try refuseSecrets(.byNameOnly)
        } catch let failure as CommandFailure {
            throw ValidationError(failure.message)
        }
    }

    /// Whether no change was asked for.
    var isEmpty: Bool { values.isEmpty && stringValues.isEmpty && removals.isEmpty }

    /// The assignments, `--set` ones first, each in command-line order.
    func assignments() throws -> [ConfigAssignment] {
        do {
            return try values.map { try ConfigAssignment.parse($0) }
                + stringValues.map { try ConfigAssignment.parse($0, forceString: true) }
        } catch let error as ConfigAssignment.ParseError {
            throw CommandFailure(error.description, status: .usage)
        }
    }

    /// Refuses any assignment to a secret field.
    ///
    /// - Throws: ``CommandFailure`` (usage) naming the key and the ways a secret may be given.
    func refuseSecrets(_ secrets: SecretFields) throws {
        for assignment in try assignments() where secrets.contains(assignment.key) {
            throw CommandFailure(
                "--set \(assignment.key)=…: \"\(assignment.key)\" is a secret, and secrets are never taken from "
                    + "command-line flags (shell history, process listings); use --password-stdin or "
                    + "--prompt-secrets, or put it in the configuration file",
                status: .usage)
        }
    }

    /// `object` with the assignments applied and the removals made.
    func applied(to object: [String: JSONValue]) throws -> [String: JSONValue] {
        var result = object
        for assignment in try assignments() { result[assignment.key] = assignment.value }
        for key in removals { result[key] = nil }
        return result
    }
}
