import DMSAPI
import DMSClient
import DMSProto
import DMSWire

/// The ids of resources named on the command line (`--connection pg-main`, `--source orders`).
public enum ReferenceLookup {
    /// The id of connection `name` in `namespace` (empty: the call's default).
    public static func connectionID(
        _ name: String, namespace: String, client: RPCClient, options: RPCClient.CallOptions
    ) async throws -> String {
        try await resolving("connection", name) {
            try await client.unary(API.ConnectionService.getConnection, .named(name, namespace: namespace), options: options).id
        }
    }

    /// The id of source `name` in `namespace`.
    public static func sourceID(_ name: String, namespace: String, client: RPCClient, options: RPCClient.CallOptions) async throws -> String {
        try await resolving("source", name) {
            try await client.unary(API.SourceService.getSource, .named(name, namespace: namespace), options: options).id
        }
    }

    /// The id of target `name` in `namespace`.
    public static func targetID(_ name: String, namespace: String, client: RPCClient, options: RPCClient.CallOptions) async throws -> String {
        try await resolving("target", name) {
            try await client.unary(API.TargetService.getTarget, .named(name, namespace: namespace), options: options).id
        }
    }

    private static func resolving(_ kind: String, _ name: String, _ body: () async throws -> String) async throws -> String {
        do {
            return try await body()
        } catch let error as RPCError where error.code == .notFound {
            throw OperationError(.notFound, "\(kind) \"\(name)\" not found: \(error.message)", cause: error)
        }
    }
}
