import ArgumentParser
import DMSCommandLineOutput
import DMSResourceOperations

/// `dmsctl source|target list`.
struct LayeredListCommand<Kind: LayeredCommandKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "list",
            abstract: "List \(Kind.pluralNoun), ordered by name.",
            discussion: "Example: dmsctl \(Kind.noun) list --connection pg-main --limit 50")
    }

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var list: ListOptions

    @Option(help: ArgumentHelp("Only \(Kind.pluralNoun) extending this connection (a name).", valueName: "name"))
    var connection: String?

    func run() async throws {
        let (collected, names) = try await global.withClient { client, options in
            var connectionID = ""
            if let connection {
                connectionID = try await ReferenceLookup.connectionID(
                    connection, namespace: global.namespace ?? "", client: client, options: options)
            }
            let collected = try await Kind.collect(
                list.paging, namespace: global.namespace ?? "", namePrefix: list.namePrefix, connectionID: connectionID,
                client: client, options: options)
            let names = global.output.output == .table
                ? await ResourceNames.connections(collected.items.map(\.connectionID), client: client, options: options) : [:]
            return (collected, names)
        }
        var response = Kind.ListResponse()
        response.items = collected.items
        response.nextPageToken = collected.nextPageToken
        try global.printer.print(response, table: Kind.Resource.listTable(collected.items, connectionNames: names))
        Pager.noteMore(collected, format: global.output.output)
    }
}
