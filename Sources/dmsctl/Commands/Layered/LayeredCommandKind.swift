import ArgumentParser
import DMSResourceOperations

/// A kind of ``LayeredResource`` with its own `dmsctl <noun> …` commands: Sources and Targets
/// share every subcommand (``LayeredCreateCommand`` and the rest); only the words and examples
/// of their help differ.
protocol LayeredCommandKind: LayeredResourceAPI {
    /// `sources` or `targets`.
    static var pluralNoun: String { get }
    /// The name the help's examples use (`orders`).
    static var exampleName: String { get }
    /// The `--set` of the `create` example (`mode=append`).
    static var exampleCreateSetting: String { get }
    /// The `--set` of the `update` example (`mode=overwrite`).
    static var exampleUpdateSetting: String { get }
}

extension LayeredCommandKind {
    /// The subcommands of `dmsctl <noun>`, in the order `--help` lists them.
    static var subcommands: [any ParsableCommand.Type] {
        [
            LayeredCreateCommand<Self>.self, LayeredGetCommand<Self>.self, LayeredListCommand<Self>.self,
            LayeredDescribeCommand<Self>.self, LayeredUpdateCommand<Self>.self, LayeredDeleteCommand<Self>.self,
        ]
    }
}
