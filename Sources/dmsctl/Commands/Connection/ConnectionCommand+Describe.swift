import ArgumentParser
import DMSAPI
import DMSCatalog
import DMSClient
import DMSCommandLineInput
import DMSCommandLineOutput
import DMSProto
import DMSResourceOperations
import DMSStructuredText

extension ConnectionCommand {
    /// `dmsctl connection describe NAME|--id ID`: the connection, its schema field by field, and
    /// the sources and targets built on it.
    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a connection, its schema field by field, and what uses it.",
            discussion: "Example: dmsctl connection describe pg-main")

        @OptionGroup(title: "Global Options") var global: GlobalOptions
        @OptionGroup var selector: ResourceSelectorOptions

        func run() async throws {
            let (connection, users) = try await global.withClient { client, options in
                let connection = try await client.unary(
                    API.ConnectionService.getConnection, .locating(selector, namespace: global.namespace), options: options)
                return (connection, try await Self.users(of: connection, client: client, options: options))
            }
            let schema = StructuredText.objectOrEmpty(connection.schema)
            var document = try EmbeddedJSON.document(connection)
            document["usedBy"] = .array(users.map(JSONValue.string))
            let header = TextTable.keyValues([
                ("name", connection.name), ("id", connection.id), ("namespace", connection.namespace),
                ("type", connection.type), ("version", String(connection.version)), ("revision", String(connection.revision)),
                ("created", TimestampText.time(connection.createTime, isSet: connection.hasCreateTime)),
                ("updated", TimestampText.time(connection.updateTime, isSet: connection.hasUpdateTime)),
                ("used by", users.isEmpty ? "-" : users.joined(separator: ", ")),
            ])
            let fields = TextTable.columns(
                ["field", "value", "secret"],
                schema.sortedByKey.map { [$0.key, $0.value.displayText, RedactedValue.isPlaceholder($0.value) ? "yes" : ""] })
            global.printer.print(document: .object(document), table: header + "\n" + fields)
        }

        /// `source/a`, `target/b`: what is built on `connection`.
        private static func users(
            of connection: Dms_V1_Connection, client: RPCClient, options: RPCClient.CallOptions
        ) async throws -> [String] {
            let sources = try await SourceAPI.collect(
                .everything, namespace: connection.namespace, connectionID: connection.id, client: client, options: options)
            let targets = try await TargetAPI.collect(
                .everything, namespace: connection.namespace, connectionID: connection.id, client: client, options: options)
            return sources.items.map { "source/\($0.name)" } + targets.items.map { "target/\($0.name)" }
        }
    }
}
