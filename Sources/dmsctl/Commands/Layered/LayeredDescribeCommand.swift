import ArgumentParser
import DMSAPI
import DMSCatalog
import DMSCommandLineOutput
import DMSResourceOperations
import DMSStructuredText

/// `dmsctl source|target describe NAME|--id ID`: the effective configuration, field by field.
struct LayeredDescribeCommand<Kind: LayeredCommandKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "describe",
            abstract: "Show a \(Kind.noun)'s effective configuration, each field marked inherited, overridden or default.",
            discussion: """
                A field is "overridden" when the \(Kind.noun) stores its own value for it, "inherited" when the \
                value comes from the connection, "default" when neither sets it and the connector \
                spec's default applies. Secrets show as the server sends them, "********". \
                With -o json or yaml: the \(Kind.noun) with conf and overrides as objects, and confOrigins.

                Example: dmsctl \(Kind.noun) describe \(Kind.exampleName)
                """)
    }

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var selector: ResourceSelectorOptions

    func run() async throws {
        let (resource, connection) = try await global.withClient { client, options in
            let resource = try await client.unary(Kind.get, .locating(selector, namespace: global.namespace), options: options)
            let connection = try? await client.unary(
                API.ConnectionService.getConnection, .identified(resource.connectionID), options: options)
            return (resource, connection)
        }
        let fields = ConfOrigin.fields(
            conf: StructuredText.objectOrEmpty(resource.conf), overrides: StructuredText.objectOrEmpty(resource.overrides),
            connection: connection.map { StructuredText.objectOrEmpty($0.schema) })
        var document = try EmbeddedJSON.document(resource)
        document["confOrigins"] = .object(Dictionary(uniqueKeysWithValues: fields.map { ($0.key, .string($0.origin.rawValue)) }))
        let header = TextTable.keyValues(resource.detailPairs(connectionName: connection?.name))
        let table = TextTable.columns(["field", "value", "origin"], fields.map { [$0.key, $0.value.displayText, $0.origin.rawValue] })
        global.printer.print(document: .object(document), table: header + "\nEFFECTIVE CONFIGURATION\n" + table)
    }
}
