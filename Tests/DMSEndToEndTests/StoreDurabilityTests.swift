import DMSAPI
import DMSClient
import DMSProto
import DMSTestSupport
import DMSWire
import Foundation
import Testing

/// The metadata store outlives dmsd: with dmsd's own embedded PostgreSQL, every resource and token
/// is there again, unchanged, after a graceful stop and after a kill -9, and the cluster is stopped
/// with dmsd (or adopted by the next start when dmsd was killed).
@Suite struct StoreDurabilityTests {
    /// What the first dmsd made, as it answered.
    struct Made {
        let resources: ResourceSet
        let adminToken: String
        let snapshot: ResourceSnapshot
    }

    @Test func resourcesAndTokensSurviveAGracefulStopAndAKillWithTheEmbeddedDatabase() async throws {
        try await withTemporaryDirectory { root in
            let cluster = ResourceEmbeddedCluster(root: root)
            var running: DaemonProcess?
            do {
                try await scenario(root: root, cluster: cluster, running: &running)
            } catch {
                await cleanUp(running, cluster, afterFailure: true)
                throw error
            }
            await cleanUp(running, cluster, afterFailure: false)
        }
    }

    private func scenario(root: String, cluster: ResourceEmbeddedCluster, running: inout DaemonProcess?) async throws {
        // First start: a new cluster, a bootstrap token, and one resource of every kind.
        let first = try await DaemonProcess(root: root, database: .embedded)
        running = first
        #expect(first.databaseURL == nil)
        #expect(cluster.isRunning)
        let made = try await RPCClient.withConnection(try first.clientConfiguration()) { admin in
            let resources = try await ResourceSet.create(in: "durable", using: admin)
            return Made(resources: resources, adminToken: try first.adminToken, snapshot: try await ResourceSnapshot.take(admin))
        }
        #expect(made.snapshot.tokens.filter { $0.role == .admin }.map(\.name) == ["bootstrap-admin"])
        #expect(await first.stop() == 0, "graceful stop")
        running = nil
        let firstLog = first.log
        #expect(firstLog.contains("creating the embedded PostgreSQL cluster"))
        #expect(firstLog.contains("created the bootstrap admin token"))
        #expect(firstLog.contains("stopped the embedded PostgreSQL"), "dmsd stops its cluster: \(firstLog.suffix(2000))")
        #expect(!cluster.isRunning, "no postmaster.pid remains in \(cluster.dataDirectory)")

        // Second start on the same root: the cluster is started again, nothing is new.
        let second = try await DaemonProcess(root: root, database: .embedded)
        running = second
        let secondLog = second.log
        #expect(secondLog.contains("started the embedded PostgreSQL"))
        #expect(!secondLog.contains("creating the embedded PostgreSQL cluster"))
        try await expectIntact(made, on: second)
        try await second.killLeavingItsCluster()
        running = nil
        #expect(cluster.isRunning, "a killed dmsd leaves its cluster running")

        // Third start: the running cluster is adopted, and still everything is there.
        let third = try await DaemonProcess(root: root, database: .embedded)
        running = third
        let thirdLog = third.log
        #expect(thirdLog.contains("adopting the embedded PostgreSQL that is already running"), "\(thirdLog.suffix(2000))")
        try await expectIntact(made, on: third)
        #expect(await third.stop() == 0, "graceful stop")
        running = nil
        #expect(third.log.contains("stopped the embedded PostgreSQL"))
        #expect(!cluster.isRunning, "no postmaster.pid remains in \(cluster.dataDirectory)")
    }

    /// Expects every resource `made` to read back exactly as it was made, the tokens to be the same
    /// (no second bootstrap token) and to work, and the stored secret to open as before.
    private func expectIntact(_ made: Made, on daemon: DaemonProcess, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let log = daemon.log
        #expect(!log.contains("created the bootstrap admin token"), "no second bootstrap token", sourceLocation: sourceLocation)
        #expect(try daemon.adminToken == made.adminToken, "the client configuration keeps the first token", sourceLocation: sourceLocation)
        let resources = made.resources
        try await RPCClient.withConnection(try daemon.clientConfiguration(token: .some(made.adminToken))) { admin in
            #expect(try await ResourceSnapshot.take(admin) == made.snapshot, sourceLocation: sourceLocation)

            var namespace = Dms_V1_GetNamespaceRequest()
            namespace.name = resources.name
            let readNamespace = try await admin.unary(API.NamespaceService.getNamespace, namespace)
            let connection = try await admin.unary(API.ConnectionService.getConnection, .with { $0.id = resources.connection.id })
            let source = try await admin.unary(API.SourceService.getSource, .identified(id: resources.source.id))
            let target = try await admin.unary(API.TargetService.getTarget, .identified(id: resources.target.id))
            var job = try await admin.unary(API.MigrationJobService.getMigrationJob, .with { $0.id = resources.job.id })
            let token = try await admin.unary(API.TokenService.getToken, .with { $0.id = resources.editor.token.id })
            #expect(readNamespace == resources.namespace, sourceLocation: sourceLocation)
            #expect(connection == resources.connection, sourceLocation: sourceLocation)
            #expect(source == resources.source, sourceLocation: sourceLocation)
            #expect(target == resources.target, sourceLocation: sourceLocation)
            var createdJob = resources.job
            job.nextFireTimes = []
            createdJob.nextFireTimes = []
            #expect(job == createdJob, sourceLocation: sourceLocation)
            #expect(
                token.id == resources.editor.token.id && token.name == "editor" && token.role == .editor && !token.hasRevokeTime,
                sourceLocation: sourceLocation)

            // The sealed password still opens with the master key of the first start: sending it
            // back in the clear is no change.
            var update = Dms_V1_UpdateConnectionRequest()
            update.id = resources.connection.id
            update.expectedRevision = resources.connection.revision
            update.schema = ResourceJSON.postgresSchema(host: "db.example.com", password: ResourceSet.Passwords().connection)
            let updated = try await admin.unary(API.ConnectionService.updateConnection, update)
            #expect(updated.revision == resources.connection.revision, "the stored password is unchanged", sourceLocation: sourceLocation)
        }
        try await RPCClient.withConnection(try daemon.clientConfiguration(token: .some(resources.editor.secret))) { editor in
            var list = Dms_V1_ListConnectionsRequest()
            list.namespace = resources.name
            let listed = try await editor.unary(API.ConnectionService.listConnections, list)
            #expect(
                listed.connections.map(\.id) == [resources.connection.id], "the editor token still works", sourceLocation: sourceLocation)
        }
    }

    /// Kills a dmsd still running and stops its cluster if it still runs, so that no PostgreSQL
    /// outlives the test, whatever happened in it. After a success a cluster still running is an issue.
    private func cleanUp(_ running: DaemonProcess?, _ cluster: ResourceEmbeddedCluster, afterFailure: Bool) async {
        do {
            try await running?.killLeavingItsCluster()
        } catch {
            Issue.record("\(error)")
        }
        do {
            if let outcome = try await cluster.stopImmediatelyIfRunning(), !afterFailure || outcome.status != 0 {
                Issue.record("the cluster was still running and had to be stopped: \(outcome.status) \(outcome.stderr)")
            }
        } catch {
            Issue.record("cannot stop the cluster: \(error)")
        }
        #expect(!cluster.isRunning, "no PostgreSQL is left running in \(cluster.dataDirectory)")
    }
}
