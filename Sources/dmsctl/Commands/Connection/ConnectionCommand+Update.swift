import ArgumentParser
import DMSAPI
import DMSCatalog
import DMSCommandLineInput
import DMSProto
import DMSResourceOperations
import DMSStructuredText

extension ConnectionCommand {
    /// `dmsctl connection update NAME|--id ID …`.
    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a connection's name or schema.",
            discussion: """
                Reads the connection, applies the flags to what it read (--schema-file replaces the \
                whole schema; --set, --set-string and --unset change single fields; secrets the server \
                shows as "********" keep their stored values), and sends the result with the revision \
                it read. If someone else changed the connection meanwhile, nothing is changed and the \
                exit status is 3. Every source and target built on the connection sees the change.

                Example: dmsctl connection update pg-main --set host=db2.internal --set port=6432
                         dmsctl connection update pg-main --password-stdin < new-password.txt
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        @Option(help: ArgumentHelp("A new name for the connection.", valueName: "name"))
        var newName: String?

        @Option(help: ArgumentHelp("A whole new schema object in a JSON or YAML file; - reads stdin.", valueName: "file"))
        var schemaFile: String?

        @OptionGroup(title: "Configuration") var assignments: ConfigAssignmentOptions
        @OptionGroup(title: "Secrets") var secrets: SecretInputOptions

        private var builder: ConfigurationBuilder {
            ConfigurationBuilder(file: schemaFile, fileFlag: "--schema-file", changes: assignments.changes, secrets: secrets.sources)
        }

        func validate() throws {
            if let conflict = builder.conflict { throw ValidationError(conflict) }
            if newName == nil, builder.isEmpty {
                throw ValidationError("nothing to change: give --new-name, --schema-file, --set, --set-string, --unset or a secret option")
            }
        }

        func run() async throws {
            let builder = builder
            let updated = try await global.withClient { client, options in
                let current = try await client.unary(
                    API.ConnectionService.getConnection, .locating(selector, namespace: global.namespace), options: options)
                var request = Dms_V1_UpdateConnectionRequest.identified(current.id)
                request.expectedRevision = current.revision
                if let newName {
                    request.newName = newName
                    request.updateMask.append("new_name")
                }
                if !builder.isEmpty {
                    // The spec also gives the defaults the server shows filled in: they are taken
                    // out of what is sent back, so an update does not pin them.
                    let spec = try await ConnectorSpecLookup.spec(type: current.type, version: current.version, client: client, options: options)
                    let base = JSONSchemaText.removingDefaults(
                        StructuredText.objectOrEmpty(current.schema), defaults: spec.connectionDefaults)
                    let schema = try builder.build(
                        base: base, secretFields: spec.secretFields, promptable: spec.promptableSecrets(\.connectionSchema))
                    request.schema = JSONValue.object(schema).serialized()
                    request.updateMask.append("schema")
                }
                return try await RevisionConflict.reporting("connection/\(current.name)", readRevision: current.revision) {
                    try await client.unary(API.ConnectionService.updateConnection, request, options: options)
                }
            }
            try global.printer.print(updated)
        }
    }
}
