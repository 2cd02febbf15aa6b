import DMSAPI
import DMSClient
import DMSProto
import Foundation

/// Everything the store holds, as an admin lists it: two snapshots are equal when no resource was
/// created, changed or deleted in between.
struct ResourceSnapshot: Equatable, Sendable {
    /// A token as far as callers can change it (its last use changes with every call).
    struct TokenState: Equatable, Sendable {
        var id: String
        var name: String
        var namespace: String
        var role: Dms_V1_TokenRole
        var revoked: Bool
    }

    var namespaces: [Dms_V1_Namespace]
    var connections: [Dms_V1_Connection]
    var sources: [Dms_V1_Source]
    var targets: [Dms_V1_Target]
    /// Jobs without `next_fire_times`, which move on with the clock.
    var jobs: [Dms_V1_MigrationJob]
    var tokens: [TokenState]

    /// Lists every resource through `admin` (an admin token's client; one page of up to 1000 each).
    static func take(_ admin: RPCClient) async throws -> ResourceSnapshot {
        var namespaces = Dms_V1_ListNamespacesRequest()
        namespaces.pageSize = 1000
        var connections = Dms_V1_ListConnectionsRequest()
        connections.pageSize = 1000
        var sources = Dms_V1_ListSourcesRequest()
        sources.pageSize = 1000
        var targets = Dms_V1_ListTargetsRequest()
        targets.pageSize = 1000
        var jobs = Dms_V1_ListMigrationJobsRequest()
        jobs.pageSize = 1000
        var tokens = Dms_V1_ListTokensRequest()
        tokens.pageSize = 1000
        tokens.includeRevoked = true
        return ResourceSnapshot(
            namespaces: try await admin.unary(API.NamespaceService.listNamespaces, namespaces).namespaces,
            connections: try await admin.unary(API.ConnectionService.listConnections, connections).connections,
            sources: try await admin.unary(API.SourceService.listSources, sources).sources,
            targets: try await admin.unary(API.TargetService.listTargets, targets).targets,
            jobs: try await admin.unary(API.MigrationJobService.listMigrationJobs, jobs).migrationJobs.map {
                var job = $0
                job.nextFireTimes = []
                return job
            },
            tokens: try await admin.unary(API.TokenService.listTokens, tokens).tokens.map {
                TokenState(id: $0.id, name: $0.name, namespace: $0.namespace, role: $0.role, revoked: $0.hasRevokeTime)
            })
    }
}
