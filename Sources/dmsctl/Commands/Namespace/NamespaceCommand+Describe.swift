import ArgumentParser
import DMSAPI
import DMSClient
import DMSCommandLineOutput
import DMSProto
import DMSResourceOperations

extension NamespaceCommand {
    /// `dmsctl namespace describe NAME`: the namespace and what it holds.
    struct Describe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a namespace and how many resources of each kind it holds.",
            discussion: "Example: dmsctl namespace describe sales")

        @OptionGroup(title: "Global Options") var global: GlobalOptions

        @Argument(help: "The namespace's name.")
        var name: String

        /// The number of resources of each kind in the namespace.
        struct Contents: Sendable {
            var connections = 0
            var sources = 0
            var targets = 0
            var jobs = 0
        }

        func run() async throws {
            let (namespace, contents) = try await global.withClient { client, options in
                let namespace = try await client.unary(API.NamespaceService.getNamespace, .with { $0.name = name }, options: options)
                return (namespace, try await Self.contents(of: name, client: client, options: options))
            }
            var document = try EmbeddedJSON.document(namespace)
            document["contents"] = [
                "connections": .integer(Int64(contents.connections)), "sources": .integer(Int64(contents.sources)),
                "targets": .integer(Int64(contents.targets)), "jobs": .integer(Int64(contents.jobs)),
            ]
            let table =
                namespace.tableText
                + TextTable.keyValues([
                    ("connections", String(contents.connections)), ("sources", String(contents.sources)),
                    ("targets", String(contents.targets)), ("jobs", String(contents.jobs)),
                ])
            global.printer.print(document: .object(document), table: table)
        }

        private static func contents(of namespace: String, client: RPCClient, options: RPCClient.CallOptions) async throws -> Contents {
            let every = Pager.Plan.everything
            var contents = Contents()
            contents.connections = try await Pager.collect(every) { size, token in
                let page = try await client.unary(
                    API.ConnectionService.listConnections,
                    .with {
                        $0.namespace = namespace
                        $0.pageSize = size
                        $0.pageToken = token
                    }, options: options)
                return (page.connections, page.nextPageToken)
            }.items.count
            contents.sources = try await SourceAPI.collect(every, namespace: namespace, client: client, options: options).items.count
            contents.targets = try await TargetAPI.collect(every, namespace: namespace, client: client, options: options).items.count
            contents.jobs = try await Pager.collect(every) { size, token in
                let page = try await client.unary(
                    API.MigrationJobService.listMigrationJobs,
                    .with {
                        $0.namespace = namespace
                        $0.pageSize = size
                        $0.pageToken = token
                    }, options: options)
                return (page.migrationJobs, page.nextPageToken)
            }.items.count
            return contents
        }
    }
}
