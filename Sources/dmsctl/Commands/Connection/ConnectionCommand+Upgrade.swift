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
                Without schema flags the current schema is carried over (fields the new version renames \
                are renamed by the server) and must validate against the new version. With them, they \
                apply to the current schema (or --schema-file replaces it) and the result is sent as the \
                schema under the new version, so a field the new version renames must be unset under its \
                old name. Sent with the revision read: exit status 3 if someone else changed the \
                connection meanwhile, or if the new version refuses the schema.

                Example:
                  dmsctl connection upgrade pg-main --to-version 2 \\
                    --unset sslmode --set ssl_mode=require
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
                    // The current version's defaults (which the server shows filled in) are taken
                    // out, so they do not travel into the new version, where they may not exist.
                    let currentSpec = try await ConnectorSpecLookup.spec(
                        type: current.type, version: current.version, client: client, options: options)
                    let base = JSONSchemaText.removingDefaults(
                        StructuredText.objectOrEmpty(current.schema), defaults: currentSpec.connectionDefaults)
                    let spec = builder.wantsSpec
                        ? try await ConnectorSpecLookup.spec(type: current.type, version: toVersion, client: client, options: options)
                        : nil
                    let schema = try builder.build(
                        base: base, secretFields: spec.secretFields, promptable: spec.promptableSecrets(\.connectionSchema))
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
