import DMSCatalog

/// The changes the command line asks of a configuration object (a connection's schema, a source's
/// or target's conf, a job's options): `--set key=value`, `--set-string key=value` and
/// `--unset key`, as given. Secrets are refused here: they would end up in shell history and
/// process listings.
public struct ConfigChanges: Sendable, Equatable {
    /// `--set` arguments, in command-line order.
    public var values: [String]
    /// `--set-string` arguments, in command-line order.
    public var stringValues: [String]
    /// `--unset` keys.
    public var removals: [String]

    /// The changes the three flags give.
    public init(values: [String] = [], stringValues: [String] = [], removals: [String] = []) {
        self.values = values
        self.stringValues = stringValues
        self.removals = removals
    }

    /// Whether no change was asked for.
    public var isEmpty: Bool { values.isEmpty && stringValues.isEmpty && removals.isEmpty }

    /// The assignments, `--set` ones first, each in command-line order.
    ///
    /// - Throws: ``InputError`` for an argument that is not `key=value`.
    public func assignments() throws(InputError) -> [ConfigAssignment] {
        let arguments = values.map { ($0, false) } + stringValues.map { ($0, true) }
        var assignments: [ConfigAssignment] = []
        for (text, forceString) in arguments {
            do {
                assignments.append(try ConfigAssignment.parse(text, forceString: forceString))
            } catch {
                throw InputError(error.description)
            }
        }
        return assignments
    }

    /// Refuses any assignment to a secret field.
    ///
    /// - Throws: ``InputError`` naming the key and the ways a secret may be given.
    public func refuseSecrets(_ secrets: SecretFields) throws(InputError) {
        for assignment in try assignments() where secrets.contains(assignment.key) {
            throw InputError(
                "--set \(assignment.key)=…: \"\(assignment.key)\" is a secret, and secrets are never taken from "
                    + "command-line flags (shell history, process listings); use --password-stdin or "
                    + "--prompt-secrets, or put it in the configuration file")
        }
    }

    /// `object` with the assignments applied and the removals made.
    public func applied(to object: [String: JSONValue]) throws(InputError) -> [String: JSONValue] {
        var result = object
        for assignment in try assignments() { result[assignment.key] = assignment.value }
        for key in removals { result[key] = nil }
        return result
    }
}
