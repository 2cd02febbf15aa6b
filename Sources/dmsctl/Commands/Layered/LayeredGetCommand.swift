import ArgumentParser
import DMSCommandLineOutput
import DMSResourceOperations

/// `dmsctl source|target get NAME|--id ID`.
struct LayeredGetCommand<Kind: LayeredCommandKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "get",
            abstract: "Show a \(Kind.noun).",
            discussion: "Example: dmsctl \(Kind.noun) get \(Kind.exampleName) -o json")
    }

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var selector: ResourceSelectorOptions

    func run() async throws {
        let (resource, names) = try await global.withClient { client, options in
            let resource = try await client.unary(Kind.get, .locating(selector, namespace: global.namespace), options: options)
            return (resource, await ResourceNames.connections([resource.connectionID], client: client, options: options))
        }
        try global.printer.print(resource, table: resource.detailTable(connectionName: names[resource.connectionID]))
    }
}
