import ArgumentParser
import DMSAPI
import DMSCatalog
import DMSCommandLineInput
import DMSProto
import DMSResourceOperations
import DMSStructuredText

extension ConnectionCommand {
    /// `dmsctl connection upgrade NAME|--id ID --to-version N`.
    struct Upgrade: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a connection's schema to a newer version of its connector's spec.",
            discussion: """
                The current schema is carried over as the connector's spec says (fields the new \
                version renames get their new names, fields it removes are dropped) and must \
                validate against the new version. Schema flags then apply to the carried schema, \
                under the new version's field names (--schema-file replaces it). Sent with the \
                revision read: exit status 3 if someone else changed the connection meanwhile, or if \
                the new version refuses the schema.

                Example (postgres spec version 2 calls version 1's sslmode ssl_mode):
                  dmsctl connection upgrade pg-main --to-version 2 --set ssl_mode=require
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        @Option(help: ArgumentHelp("The spec version to move to (default: the latest).", valueName: "n"))
        var toVersion: Int32 = 0

        @Option(help: ArgumentHelp("The schema under the new version, in a JSON or YAML file; - reads stdin.", valueName: "file"))
        var schemaFile: String?

        @OptionGroup(title: "Configuration") var assignments: ConfigAssignmentOptions
        @OptionGroup(title: "Secrets") var secrets: SecretInputOptions

        private var builder: ConfigurationBuilder {
            ConfigurationBuilder(file: schemaFile, fileFlag: "--schema-file", changes: assignments.changes, secrets: secrets.sources)
        }

        func validate() throws {
            if let conflict = builder.conflict { throw ValidationError(conflict) }
            if toVersion < 0 { throw ValidationError("--to-version must be 1 or more") }
        }

        func run() async throws {
            let builder = builder
            let upgraded = try await global.withClient { client, options in
                let current = try await client.unary(
                    API.ConnectionService.getConnection, .locating(selector, namespace: global.namespace), options: options)
                var request = Dms_V1_UpgradeConnectionRequest.identified(current.id)
                request.expectedRevision = current.revision
                request.toVersion = toVersion
                if !builder.isEmpty {
                    let connector = try await ConnectorSpecLookup.connectorType(current.type, client: client, options: options)
                    let target = toVersion == 0 ? connector?.latestVersion ?? 0 : toVersion
                    let currentSpec = connector?.versions.first { $0.version == current.version }
                    let targetSpec = connector?.versions.first { $0.version == target }
                    // The current version's defaults (which the server shows filled in) are taken
                    // out, so they do not travel into the new version, where they may not exist;
                    // the rest is carried as the server would carry it, then the flags apply.
                    let base = JSONSchemaText.removingDefaults(
                        StructuredText.objectOrEmpty(current.schema), defaults: currentSpec.connectionDefaults)
                    let carried = connector?.carry(base, from: current.version, to: target) ?? base
                    let schema = try builder.build(
                        base: carried, secretFields: targetSpec.secretFields, promptable: targetSpec.promptableSecrets(\.connectionSchema))
                    request.schema = JSONValue.object(schema).serialized()
                }
                return try await RevisionConflict.reporting("connection/\(current.name)", readRevision: current.revision) {
                    try await client.unary(API.ConnectionService.upgradeConnection, request, options: options)
                }
            }
            try global.printer.print(upgraded)
        }
    }
}
