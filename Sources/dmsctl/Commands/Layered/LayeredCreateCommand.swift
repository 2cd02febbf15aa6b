import ArgumentParser
import DMSCatalog
import DMSClient
import DMSCommandLineInput
import DMSCommandLineOutput
import DMSResourceOperations

/// `dmsctl source|target create NAME --connection CONNECTION …`.
struct LayeredCreateCommand<Kind: LayeredCommandKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "create",
            abstract: "Create a \(Kind.noun) on a connection.",
            discussion: """
                The \(Kind.noun)'s own fields start from --conf-file (JSON or YAML, - for stdin) or empty, then \
                each --set, --set-string and --unset applies, then the secrets. Fields it does not set \
                are inherited from the connection.

                Example: dmsctl \(Kind.noun) create \(Kind.exampleName) --connection pg-main --set \(Kind.exampleCreateSetting)
                """)
    }

    @OptionGroup(title: "Global Options") var global: GlobalOptions

    @Argument(help: ArgumentHelp("The new \(Kind.noun)'s name, unique within the namespace."))
    var name: String

    @Option(help: ArgumentHelp("The connection it extends, by name.", valueName: "name"))
    var connection: String?

    @Option(help: ArgumentHelp("The connection it extends, by id.", valueName: "id"))
    var connectionId: String?

    @Option(
        name: [.customLong("conf-file"), .customLong("schema-file")],
        help: ArgumentHelp("The \(Kind.noun)'s own fields in a JSON or YAML file; - reads stdin.", valueName: "file"))
    var confFile: String?

    @OptionGroup(title: "Configuration") var assignments: ConfigAssignmentOptions
    @OptionGroup(title: "Secrets") var secrets: SecretInputOptions

    private var builder: ConfigurationBuilder {
        ConfigurationBuilder(file: confFile, fileFlag: "--conf-file", changes: assignments.changes, secrets: secrets.sources)
    }

    func validate() throws {
        if let conflict = builder.conflict { throw ValidationError(conflict) }
        if (connection == nil) == (connectionId == nil) { throw ValidationError("give --connection NAME or --connection-id ID") }
    }

    func run() async throws {
        let builder = builder
        let created = try await global.withClient { client, options in
            var connectionID = connectionId ?? ""
            if let connection {
                connectionID = try await ReferenceLookup.connectionID(connection, namespace: global.namespace ?? "", client: client, options: options)
            }
            let (secretFields, promptable) = try await ConnectorSpecLookup.secrets(
                ofConnection: connectionID, schema: Kind.specSchema, wanted: builder.wantsSpec, client: client, options: options)
            var request = Kind.CreateRequest()
            request.name = name
            request.connectionID = connectionID
            request.conf = JSONValue.object(try builder.build(base: [:], secretFields: secretFields, promptable: promptable)).serialized()
            request.namespace = global.namespace ?? ""
            let created = try await client.unary(Kind.create, request, options: options)
            return (created, await ResourceNames.connections([created.connectionID], client: client, options: options))
        }
        try global.printer.print(created.0, table: created.0.detailTable(connectionName: created.1[created.0.connectionID]))
    }
}
