import DMSAPI
import DMSClient
import DMSCommandLineOutput
import DMSManifest
import DMSProto
import DMSWire

/// Deletes the resources documents describe (`dmsctl delete -f`), one at a time; the caller goes
/// in reverse dependency order. A resource already gone is reported `not found`, not an error, so
/// deleting twice is harmless.
public struct DeleteRunner: ManifestRunner {
    /// `deleted`.
    public static let verb = "deleted"

    /// The connection to the server.
    public let client: RPCClient
    /// Per-call options (timeout).
    public let options: RPCClient.CallOptions
    /// Report what would be deleted, delete nothing.
    public let dryRun: Bool
    /// The namespace of documents that give none.
    public let defaultNamespace: String

    /// A runner deleting on `client` (or, in a `dryRun`, only looking).
    public init(client: RPCClient, options: RPCClient.CallOptions, dryRun: Bool, defaultNamespace: String) {
        self.client = client
        self.options = options
        self.dryRun = dryRun
        self.defaultNamespace = defaultNamespace
    }

    /// Deletes (or, in a dry run, looks up) one document's resource.
    public func carryOut(_ document: ManifestDocument) async throws -> ResourceOutcome {
        let namespace = namespace(of: document)
        do {
            if dryRun {
                try await read(document, namespace: namespace)
                return outcome(document, "would delete")
            }
            try await remove(document, namespace: namespace)
            return outcome(document, "deleted")
        } catch let error as RPCError where error.code == .notFound {
            return outcome(document, "not found")
        }
    }

    private func read(_ document: ManifestDocument, namespace: String) async throws {
        let name = document.name
        switch document.kind {
        case .namespace: _ = try await client.unary(API.NamespaceService.getNamespace, .with { $0.name = name }, options: options)
        case .connection: _ = try await client.unary(API.ConnectionService.getConnection, .named(name, namespace: namespace), options: options)
        case .source: _ = try await client.unary(API.SourceService.getSource, .named(name, namespace: namespace), options: options)
        case .target: _ = try await client.unary(API.TargetService.getTarget, .named(name, namespace: namespace), options: options)
        case .job:
            _ = try await client.unary(API.MigrationJobService.getMigrationJob, .named(name, namespace: namespace), options: options)
        }
    }

    private func remove(_ document: ManifestDocument, namespace: String) async throws {
        let name = document.name
        switch document.kind {
        case .namespace:
            _ = try await client.unary(API.NamespaceService.deleteNamespace, .with { $0.name = name }, options: options)
        case .connection:
            _ = try await client.unary(API.ConnectionService.deleteConnection, .named(name, namespace: namespace), options: options)
        case .source: _ = try await client.unary(API.SourceService.deleteSource, .named(name, namespace: namespace), options: options)
        case .target: _ = try await client.unary(API.TargetService.deleteTarget, .named(name, namespace: namespace), options: options)
        case .job:
            _ = try await client.unary(API.MigrationJobService.deleteMigrationJob, .named(name, namespace: namespace), options: options)
        }
    }
}
