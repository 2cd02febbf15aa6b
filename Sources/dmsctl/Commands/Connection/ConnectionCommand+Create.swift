import ArgumentParser
import DMSAPI
import DMSCatalog
import DMSCommandLineInput
import DMSCommandLineOutput
import DMSProto
import DMSResourceOperations

extension ConnectionCommand {
    /// `dmsctl connection create NAME --type TYPE …`.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a connection.",
            discussion: """
                The schema starts from --schema-file (JSON or YAML, - for stdin) or empty, then each \
                --set, --set-string and --unset applies, then the secrets.

                Example:
                  dmsctl connection create pg-main --type postgres \\
                    --set host=db.internal --set port=5432 --set database=shop --set user=dms \\
                    --password-stdin < pg-password.txt
                """)

        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Argument(help: "The new connection's name, unique across all connections.")
        var name: String

        @Option(help: ArgumentHelp("The connector type, e.g. postgres (see `dmsctl connector list`).", valueName: "type"))
        var type: String

        @Option(name: .customLong("spec-version"), help: ArgumentHelp("The connector spec version the schema follows (default: the latest).", valueName: "n"))
        var specVersion: Int32 = 0

        @Option(help: ArgumentHelp("The schema object in a JSON or YAML file; - reads stdin.", valueName: "file"))
        var schemaFile: String?

        @Flag(help: "Print the request that would be sent (secrets as ********) and send nothing; needs no server.")
        var dryRun = false

        @OptionGroup(title: "Configuration") var assignments: ConfigAssignmentOptions
        @OptionGroup(title: "Secrets") var secrets: SecretInputOptions

        private var builder: ConfigurationBuilder {
            ConfigurationBuilder(file: schemaFile, fileFlag: "--schema-file", changes: assignments.changes, secrets: secrets.sources)
        }

        func validate() throws {
            if let conflict = builder.conflict { throw ValidationError(conflict) }
            if specVersion < 0 { throw ValidationError("--spec-version must be 1 or more") }
        }

        func run() async throws {
            let builder = builder
            if dryRun {
                let schema = try builder.build(base: [:], secretFields: .byNameOnly, promptable: ["password"])
                let request = makeRequest(schema: RedactedValue.redacting(schema, secrets: .byNameOnly))
                try global.printer.print(
                    request,
                    table: TextTable.keyValues([
                        ("name", request.name), ("type", request.type),
                        ("version", request.version == 0 ? "latest" : String(request.version)),
                        ("namespace", request.namespace.isEmpty ? "(default)" : request.namespace), ("schema", request.schema),
                    ]))
                StandardStreams.writeError("Dry run: nothing was sent.\n")
                return
            }
            let created = try await global.withClient { client, options in
                let spec = builder.wantsSpec
                    ? try await ConnectorSpecLookup.spec(type: type, version: specVersion, client: client, options: options) : nil
                let schema = try builder.build(
                    base: [:], secretFields: spec.secretFields, promptable: spec.promptableSecrets(\.connectionSchema))
                return try await client.unary(API.ConnectionService.createConnection, makeRequest(schema: schema), options: options)
            }
            try global.printer.print(created)
        }

        private func makeRequest(schema: [String: JSONValue]) -> Dms_V1_CreateConnectionRequest {
            .with {
                $0.name = name
                $0.type = type
                $0.version = specVersion
                $0.schema = JSONValue.object(schema).serialized()
                $0.namespace = global.namespace ?? ""
            }
        }
    }
}
