import DMSAPI
import DMSClient
import DMSProto
import DMSTestSupport
import DMSWire
import Foundation
import Testing

/// Namespaces separate tenants: against a real dmsd, every method of the contract is called with
/// tokens that must not reach another namespace's resources (``ResourceIsolationTable``), and the
/// store is proven unchanged afterwards.
@Suite struct NamespaceIsolationTests {
    /// Starts a dmsd; an admin creates namespaces "beta" and "alpha" with one resource of every kind
    /// each, and runs each namespace's job (simulated runs that stay RUNNING for the whole test);
    /// runs `body` with the admin's client and the two sets.
    private func withTenants(_ body: (DaemonProcess, RPCClient, _ alpha: ResourceSet, _ beta: ResourceSet) async throws -> Void)
        async throws
    {
        try await DaemonProcess.with(arguments: ["--spark-mode", "simulate", "--simulated-run-seconds", "86400"]) { daemon in
            try await RPCClient.withConnection(try daemon.clientConfiguration()) { admin in
                var beta = try await ResourceSet.create(in: "beta", using: admin)
                var alpha = try await ResourceSet.create(in: "alpha", using: admin)
                beta.run = try await Self.startRun(of: beta, using: admin)
                alpha.run = try await Self.startRun(of: alpha, using: admin)
                try await body(daemon, admin, alpha, beta)
            }
        }
    }

    /// Runs the set's job and returns the run once it is RUNNING (a state it then keeps).
    private static func startRun(of resources: ResourceSet, using admin: RPCClient) async throws -> Dms_V1_MigrationJobRun {
        let created = try await admin.unary(API.MigrationJobService.runJob, .with { $0.id = resources.job.id })
        var watch = Dms_V1_WatchRunsRequest()
        watch.runID = created.id
        watch.sendCurrent = true
        let events = try admin.serverStreaming(API.MigrationJobRunService.watchRuns, watch, options: .init(timeout: .seconds(60)))
        for try await event in events where event.run.state == .running {
            return event.run
        }
        throw TestSupportError("run \(created.id) of \(resources.name) ended without running")
    }

    @Test func everyMethodOfTheContractHasIsolationCases() {
        for method in API.allMethods {
            #expect(ResourceIsolationTable.cases[method.fullName]?.isEmpty == false, "no isolation case for \(method)")
        }
        #expect(
            Set(ResourceIsolationTable.cases.keys) == Set(API.allMethods.map(\.fullName)), "cases for methods the contract does not have")
    }

    @Test func editorOfAnotherNamespaceCanNeitherSeeNorTouchItsResourcesThroughAnyMethod() async throws {
        try await withTenants { daemon, admin, alpha, beta in
            let before = try await ResourceSnapshot.take(admin)
            let lookalikes = beta.withMissingIDs()
            var calls = 0
            try await RPCClient.withConnection(try daemon.clientConfiguration(token: .some(alpha.editor.secret))) { outsider in
                for method in API.allMethods {
                    guard let cases = ResourceIsolationTable.cases[method.fullName], !cases.isEmpty else {
                        Issue.record("no isolation case for \(method)")
                        continue
                    }
                    for entry in cases {
                        let outcome = await entry.probe.call(outsider, beta, alpha)
                        let missing = await entry.probe.call(outsider, lookalikes, alpha)
                        calls += 2
                        check(
                            outcome, against: entry.outsider, method: method, label: entry.probe.label, namespace: alpha.name,
                            knownIssue: entry.knownIssue)
                        #expect(
                            outcome == missing,
                            "\(method) (\(entry.probe.label)): tells beta's resources exist: \(outcome), made-up ids: \(missing)")
                    }
                }
            }
            #expect(calls > 2 * API.allMethods.count)
            #expect(try await ResourceSnapshot.take(admin) == before, "the outsider's calls changed the store")
            try await expectUnchanged(beta, admin: admin)
            try await expectUnchanged(alpha, admin: admin)
        }
    }

    @Test func viewerReadsItsNamespaceButEveryChangeIsPermissionDenied() async throws {
        try await withTenants { daemon, admin, _, beta in
            let viewer = try await admin.unary(API.TokenService.createToken, .scoped("viewer", role: .viewer, namespace: beta.name))
            let before = try await ResourceSnapshot.take(admin)
            var checked: Set<String> = []
            try await RPCClient.withConnection(try daemon.clientConfiguration(token: .some(viewer.secret))) { client in
                for method in API.allMethods {
                    for entry in ResourceIsolationTable.cases[method.fullName] ?? [] {
                        guard let expected = entry.viewer else { continue }
                        let outcome = await entry.probe.call(client, beta, beta)
                        check(outcome, against: expected, method: method, label: entry.probe.label, namespace: beta.name, knownIssue: nil)
                        checked.insert(method.methodName)
                    }
                }
            }
            let writes = API.allMethods.map(\.methodName).filter { name in
                ["Create", "Update", "Delete", "Upgrade", "Pause", "Resume", "Revoke", "RunJob", "Cancel"].contains { name.hasPrefix($0) }
            }
            #expect(writes.count >= 20)
            #expect(Set(writes).isSubset(of: checked), "every change was tried: \(Set(writes).subtracting(checked))")
            #expect(try await ResourceSnapshot.take(admin) == before, "the viewer's calls changed the store")
            try await expectUnchanged(beta, admin: admin)
        }
    }

    @Test func callWithoutTokenToAnyMethodButHealthIsUnauthenticated() async throws {
        try await withTenants { daemon, admin, _, beta in
            let before = try await ResourceSnapshot.take(admin)
            try await RPCClient.withConnection(try daemon.clientConfiguration(token: .some(nil))) { anonymous in
                try await expectEveryCallUnauthenticated(anonymous, aimedAt: beta)
            }
            #expect(try await ResourceSnapshot.take(admin) == before)
        }
    }

    @Test func revokedTokenIsUnauthenticatedAtOnceOnTheSameConnection() async throws {
        try await withTenants { daemon, admin, alpha, beta in
            try await RPCClient.withConnection(try daemon.clientConfiguration(token: .some(beta.editor.secret))) { editor in
                var mine = Dms_V1_ListConnectionsRequest()
                mine.namespace = beta.name
                #expect(try await editor.unary(API.ConnectionService.listConnections, mine).connections.map(\.id) == [beta.connection.id])

                var revoke = Dms_V1_RevokeTokenRequest()
                revoke.id = beta.editor.token.id
                let revoked = try await admin.unary(API.TokenService.revokeToken, revoke)
                #expect(revoked.hasRevokeTime)

                let before = try await ResourceSnapshot.take(admin)
                try await expectEveryCallUnauthenticated(editor, aimedAt: beta)
                #expect(try await ResourceSnapshot.take(admin) == before)
            }
            // Revoking one token leaves the others working.
            try await RPCClient.withConnection(try daemon.clientConfiguration(token: .some(alpha.editor.secret))) { other in
                var list = Dms_V1_ListConnectionsRequest()
                list.namespace = alpha.name
                let listed = try await other.unary(API.ConnectionService.listConnections, list)
                #expect(listed.connections.map(\.id) == [alpha.connection.id])
            }
        }
    }

    // MARK: Helpers

    /// Records an issue unless `outcome` is `expected`.
    private func check(
        _ outcome: ResourceCallOutcome, against expected: ResourceExpectation, method: MethodDescriptor, label: String, namespace: String,
        knownIssue: String?, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let comment: Comment = "\(method) (\(label)): expected \(expected), got \(outcome)"
        if let knownIssue {
            withKnownIssue(Comment(rawValue: knownIssue)) {
                #expect(expected.accepts(outcome, namespace: namespace), comment, sourceLocation: sourceLocation)
            }
        } else {
            #expect(expected.accepts(outcome, namespace: namespace), comment, sourceLocation: sourceLocation)
        }
    }

    /// Makes every call of the table but Health through `client` and expects UNAUTHENTICATED.
    private func expectEveryCallUnauthenticated(_ client: RPCClient, aimedAt resources: ResourceSet) async throws {
        var calls = 0
        for method in API.allMethods where method != API.HealthService.health.descriptor {
            for entry in ResourceIsolationTable.cases[method.fullName] ?? [] {
                let outcome = await entry.probe.call(client, resources, resources)
                calls += 1
                #expect(outcome.code == .unauthenticated, "\(method) (\(entry.probe.label)): got \(outcome)")
            }
        }
        #expect(calls >= API.allMethods.count - 1)
    }

    /// Reads every resource of `resources` by id as an admin: each still exists, at the revision
    /// it was created with; the editor token is not revoked.
    private func expectUnchanged(_ resources: ResourceSet, admin: RPCClient, sourceLocation: SourceLocation = #_sourceLocation) async throws
    {
        var namespace = Dms_V1_GetNamespaceRequest()
        namespace.name = resources.name
        #expect(try await admin.unary(API.NamespaceService.getNamespace, namespace) == resources.namespace, sourceLocation: sourceLocation)
        #expect(
            try await admin.unary(API.ConnectionService.getConnection, .with { $0.id = resources.connection.id }).revision
                == resources.connection.revision,
            sourceLocation: sourceLocation)
        #expect(
            try await admin.unary(API.SourceService.getSource, .identified(id: resources.source.id)).revision == resources.source.revision,
            sourceLocation: sourceLocation)
        #expect(
            try await admin.unary(API.TargetService.getTarget, .identified(id: resources.target.id)).revision == resources.target.revision,
            sourceLocation: sourceLocation)
        let job = try await admin.unary(API.MigrationJobService.getMigrationJob, .with { $0.id = resources.job.id })
        #expect(job.revision == resources.job.revision && !job.paused, sourceLocation: sourceLocation)
        let token = try await admin.unary(API.TokenService.getToken, .with { $0.id = resources.editor.token.id })
        #expect(!token.hasRevokeTime, sourceLocation: sourceLocation)
        if let run = resources.run {
            let now = try await admin.unary(API.MigrationJobRunService.getRun, .with { $0.id = run.id })
            #expect(now.state == .running && !now.cancelRequested, "the run is untouched: \(now)", sourceLocation: sourceLocation)
        }
        var runs = Dms_V1_ListRunsRequest()
        runs.migrationJobID = resources.job.id
        let listed = try await admin.unary(API.MigrationJobRunService.listRuns, runs).runs.map(\.id)
        #expect(listed == (resources.run.map { [$0.id] } ?? []), "no run was added: \(listed)", sourceLocation: sourceLocation)
    }
}
