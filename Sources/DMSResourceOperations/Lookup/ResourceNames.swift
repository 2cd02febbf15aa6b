import DMSAPI
import DMSClient
import DMSProto

/// Names for the ids that resources refer to (a source's connection, a job's source and target),
/// so tables show `pg-main` rather than an opaque id. Best effort: an id that cannot be looked up
/// is shown as it is.
public enum ResourceNames {
    /// Connection names by id.
    public static func connections(
        _ ids: some Sequence<String>, client: RPCClient, options: RPCClient.CallOptions
    ) async -> [String: String] {
        await lookUp(ids) { try await client.unary(API.ConnectionService.getConnection, .identified($0), options: options).name }
    }

    /// Source names by id.
    public static func sources(_ ids: some Sequence<String>, client: RPCClient, options: RPCClient.CallOptions) async -> [String: String] {
        await lookUp(ids) { try await client.unary(API.SourceService.getSource, .identified($0), options: options).name }
    }

    /// Target names by id.
    public static func targets(_ ids: some Sequence<String>, client: RPCClient, options: RPCClient.CallOptions) async -> [String: String] {
        await lookUp(ids) { try await client.unary(API.TargetService.getTarget, .identified($0), options: options).name }
    }

    private static func lookUp(_ ids: some Sequence<String>, name: (String) async throws -> String) async -> [String: String] {
        var names: [String: String] = [:]
        for id in Set(ids) where !id.isEmpty {
            if let found = try? await name(id) { names[id] = found }
        }
        return names
    }
}
