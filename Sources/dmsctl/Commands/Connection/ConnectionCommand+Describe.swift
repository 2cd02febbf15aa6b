import ArgumentParser
import DMSAPI
import DMSClient
import DMSProto

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
            let schema = (try? StructuredText.parseObject(connection.schema, what: "the schema")) ?? JSONObject()
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
                schema.entries.map { [$0.key, $0.value.displayText, RedactedValue.isPlaceholder($0.value) ? "yes" : ""] })
            global.printer.print(document: .object(document), table: header + "\n" + fields)
        }

        /// `source/a`, `target/b`: what is built on `connection`.
        private static func users(
            of connection: Dms_V1_Connection, client: RPCClient, options: RPCClient.CallOptions
        ) async throws -> [String] {
            let sources = try await Pager.collect(.everything) { size, token in
                let page = try await client.unary(
                    API.SourceService.listSources,
                    .with {
                        $0.namespace = connection.namespace
                        $0.connectionID = connection.id
                        $0.pageSize = size
                        $0.pageToken = token
                    }, options: options)
                return (page.sources, page.nextPageToken)
            }
            let targets = try await Pager.collect(.everything) { size, token in
                let page = try await client.unary(
                    API.TargetService.listTargets,
                    .with {
                        $0.namespace = connection.namespace
                        $0.connectionID = connection.id
                        $0.pageSize = size
                        $0.pageToken = token
                    }, options: options)
                return (page.targets, page.nextPageToken)
            }
            return sources.items.map { "source/\($0.name)" } + targets.items.map { "target/\($0.name)" }
        }
    }
}
