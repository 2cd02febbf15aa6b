import ArgumentParser
import DMSCatalog
import DMSCommandLineInput
import DMSCommandLineOutput
import DMSResourceOperations
import DMSStructuredText

/// `dmsctl source|target update NAME|--id ID …`: reads the resource, applies the changes, and
/// sends them with the revision read.
struct LayeredUpdateCommand<Kind: LayeredCommandKind>: AsyncParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "update",
            abstract: "Change a \(Kind.noun)'s name, connection or own fields.",
            discussion: """
                Reads the \(Kind.noun), applies the flags to its own fields (--conf-file replaces them whole; \
                --set, --set-string and --unset change single fields; secrets shown as "********" keep \
                their stored values), and sends the result with the revision it read. If someone else \
                changed it meanwhile, nothing is changed and the exit status is 3.

                Example: dmsctl \(Kind.noun) update \(Kind.exampleName) --set \(Kind.exampleUpdateSetting)
                """)
    }

    @OptionGroup(title: "Global Options") var global: GlobalOptions
    @OptionGroup var selector: ResourceSelectorOptions

    @Option(help: ArgumentHelp("A new name.", valueName: "name"))
    var newName: String?

    @Option(help: ArgumentHelp("Extend this connection (a name) from now on.", valueName: "name"))
    var connection: String?

    @Option(
        name: [.customLong("conf-file"), .customLong("schema-file")],
        help: ArgumentHelp("All of the \(Kind.noun)'s own fields, in a JSON or YAML file; - reads stdin.", valueName: "file"))
    var confFile: String?

    @OptionGroup(title: "Configuration") var assignments: ConfigAssignmentOptions
    @OptionGroup(title: "Secrets") var secrets: SecretInputOptions

    private var builder: ConfigurationBuilder {
        ConfigurationBuilder(file: confFile, fileFlag: "--conf-file", changes: assignments.changes, secrets: secrets.sources)
    }

    func validate() throws {
        if let conflict = builder.conflict { throw ValidationError(conflict) }
        if newName == nil, connection == nil, builder.isEmpty {
            throw ValidationError("nothing to change: give --new-name, --connection, --conf-file, --set, --set-string, --unset or a secret option")
        }
    }

    func run() async throws {
        let builder = builder
        let (updated, names) = try await global.withClient { client, options in
            let current = try await client.unary(Kind.get, .locating(selector, namespace: global.namespace), options: options)
            var request = Kind.UpdateRequest.identified(current.id)
            request.expectedRevision = current.revision
            if let newName {
                request.newName = newName
                request.updateMask.append("new_name")
            }
            var connectionID = current.connectionID
            if let connection {
                connectionID = try await ReferenceLookup.connectionID(connection, namespace: current.namespace, client: client, options: options)
                request.connectionID = connectionID
                request.updateMask.append("connection_id")
            }
            if !builder.isEmpty {
                let (secretFields, promptable) = try await ConnectorSpecLookup.secrets(
                    ofConnection: connectionID, schema: Kind.specSchema, wanted: builder.wantsSpec, client: client, options: options)
                let base = StructuredText.objectOrEmpty(current.overrides)
                let conf = try builder.build(base: base, secretFields: secretFields, promptable: promptable)
                request.conf = JSONValue.object(conf).serialized()
                request.updateMask.append("conf")
            }
            let updated = try await RevisionConflict.reporting("\(Kind.noun)/\(current.name)", readRevision: current.revision) {
                try await client.unary(Kind.update, request, options: options)
            }
            return (updated, await ResourceNames.connections([updated.connectionID], client: client, options: options))
        }
        try global.printer.print(updated, table: updated.detailTable(connectionName: names[updated.connectionID]))
    }
}
