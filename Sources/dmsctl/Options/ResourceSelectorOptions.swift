import ArgumentParser
import DMSAPI
import DMSResourceOperations

/// Which resource a command acts on: its name (in the namespace of `-n` or the context), or
/// `--id`.
struct ResourceSelectorOptions: ParsableArguments, Sendable {
    @Argument(help: ArgumentHelp("The name (or give --id).", valueName: "name"))
    var name: String?

    @Option(help: ArgumentHelp("The id, instead of the name.", valueName: "id"))
    var id: String?

    func validate() throws {
        switch (name, id) {
        case (nil, nil): throw ValidationError("give a name, or --id")
        case (.some, .some): throw ValidationError("give a name or --id, not both")
        default: break
        }
    }

    /// How the resource is shown in messages: `pg-main`, or `id abc…`.
    var label: String { name ?? "id \(id ?? "")" }
}

extension LocatingRequest {
    /// The request for what `selector` names; `namespace` is `-n` (nil: the call's default).
    static func locating(_ selector: ResourceSelectorOptions, namespace: String?) -> Self {
        .locating(id: selector.id, name: selector.name, namespace: namespace)
    }
}
