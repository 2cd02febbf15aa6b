@testable import DMSStore
import DMSPostgres
import DMSProto
import DMSTestSupport
import DMSWire
import Foundation
import Testing

/// Deleting something another resource uses is refused, and the error names every user (as
/// `namespace/name`), whether the user was there before the delete began or appeared while it ran
/// (committed by another session between the delete's check and its DELETE). Nothing is deleted.
@Suite("Deleting what is in use")
struct DeleteInUseTests {
    enum Overlay: String, CaseIterable, Sendable {
        case source, target
    }

    @Test("a source or target used by jobs is refused naming every job, and nothing changes", arguments: Overlay.allCases)
    func overlayInUseNamesItsJobs(_ overlay: Overlay) async throws {
        let test = try await TestStore.open()
        let connection = try await test.postgresConnection()
        let source = try await test.source(connection: connection)
        let target = try await test.target(connection: connection)
        _ = try await test.job(name: "nightly", source: source, target: target)
        _ = try await test.job(name: "hourly", source: source, target: target)
        let repository = overlay == .source ? test.store.sources : test.store.targets
        let id = UUID(uuidString: overlay == .source ? source.id : target.id)!
        let before = try await test.digest()

        let error = await #expect(throws: RPCError.self) {
            try await repository.delete(key: .id(id), expectedRevision: 0, scope: .everything)
        }
        #expect(error?.code == .failedPrecondition)
        let message = error?.message ?? ""
        #expect(message.contains("default/hourly") && message.contains("default/nightly"), "\(message)")
        #expect(message.contains("\"\(overlay == .source ? "orders" : "orders-copy")\""), "names what was to be deleted: \(message)")
        #expect(try await test.digest() == before)
    }

    /// A delete racing a session that adds a user: the user's row is inserted (not committed)
    /// before the delete starts, so the delete's check cannot see it; it is committed while the
    /// delete waits for the row.
    struct Race: Sendable, CustomTestStringConvertible {
        let label: String
        /// Inserts the user through `session` (inside its open transaction).
        let insertUser: @Sendable (PostgresConnection, Fixture) throws -> Void
        let delete: @Sendable (TestStore, Fixture) async throws -> Void
        /// What the error must say of the user.
        let names: String
        var testDescription: String { label }
    }

    struct Fixture: Sendable {
        let connection: Dms_V1_Connection
        let source: OverlayRepository.Overlay
        let target: OverlayRepository.Overlay
    }

    /// Inserts job "racer" on the fixture's source and target.
    static let insertJob: @Sendable (PostgresConnection, Fixture) throws -> Void = { session, fixture in
        _ = try session.query(
            "INSERT INTO migration_jobs (id, name, namespace, source_id, target_id) VALUES ($1, 'racer', 'default', $2, $3)",
            UUID(), UUID(uuidString: fixture.source.id)!, UUID(uuidString: fixture.target.id)!)
    }

    static let races: [Race] = [
        Race(
            label: "a job appears on the source being deleted",
            insertUser: insertJob,
            delete: { test, fixture in
                try await test.store.sources.delete(key: .id(UUID(uuidString: fixture.source.id)!), expectedRevision: 0, scope: .everything)
            }, names: "default/racer"),
        Race(
            label: "a job appears on the target being deleted",
            insertUser: insertJob,
            delete: { test, fixture in
                try await test.store.targets.delete(key: .id(UUID(uuidString: fixture.target.id)!), expectedRevision: 0, scope: .everything)
            }, names: "default/racer"),
        Race(
            label: "a source appears on the connection being deleted",
            insertUser: { session, fixture in
                _ = try session.query(
                    "INSERT INTO sources (id, name, namespace, connection_id, overrides) VALUES ($1, 'racer', 'default', $2, '{}')",
                    UUID(), UUID(uuidString: fixture.connection.id)!)
            },
            delete: { test, _ in
                // A connection of its own, which nothing used when the delete began.
                let connection = try await test.store.connections.get(.name("pg-main", namespace: "default"), scope: .everything)
                try await test.store.connections.delete(key: .id(UUID(uuidString: connection.id)!), expectedRevision: 0, scope: .everything)
            }, names: "source default/racer"),
        Race(
            label: "a connection appears in the namespace being deleted",
            insertUser: { session, _ in
                _ = try session.query(
                    "INSERT INTO connections (id, name, namespace, type, version, schema) VALUES ($1, 'racer', 'empty', 'postgres', 2, '{}')", UUID())
            },
            delete: { test, _ in try await test.store.namespaces.delete(name: "empty", expectedRevision: 0) },
            names: "connection racer"),
    ]

    @Test("a user that appears while the delete runs is named too, and nothing is deleted", arguments: races)
    func userAppearingDuringTheDeleteIsNamed(_ race: Race) async throws {
        let test = try await TestStore.open()
        // The connection the sources use, and a spare one ("pg-main") that only the race's source will use.
        let used = try await test.postgresConnection(name: "pg-used")
        _ = try await test.postgresConnection(name: "pg-main")
        let fixture = Fixture(
            connection: try await test.store.connections.get(.name("pg-main", namespace: "default"), scope: .everything),
            source: try await test.source(connection: used), target: try await test.target(connection: used))
        _ = try await test.store.namespaces.create(name: "empty", description: "")

        let session = try PostgresConnection(conninfo: test.url)
        try session.execute(script: "BEGIN")
        try race.insertUser(session, fixture)
        let deletion = Task { try await race.delete(test, fixture) }
        try await Self.waitForALockWait(in: test)
        try session.execute(script: "COMMIT")

        let error = await #expect(throws: RPCError.self) { try await deletion.value }
        #expect(error?.code == .failedPrecondition, "\(String(describing: error))")
        #expect(error?.message.contains(race.names) == true, "the error names the user: \(error?.message ?? "")")
        #expect(error?.message.contains("Key (") == false, "no PostgreSQL detail: \(error?.message ?? "")")
        // Nothing was deleted.
        _ = try await test.store.connections.get(.id(UUID(uuidString: fixture.connection.id)!), scope: .everything)
        _ = try await test.store.sources.get(.id(UUID(uuidString: fixture.source.id)!), scope: .everything)
        _ = try await test.store.targets.get(.id(UUID(uuidString: fixture.target.id)!), scope: .everything)
        _ = try await test.store.namespaces.get(name: "empty")
    }

    /// Returns once some session of the test database waits for a lock (the delete, blocked by the
    /// racing transaction).
    private static func waitForALockWait(in test: TestStore) async throws {
        let observer = try PostgresConnection(conninfo: test.url)
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let waiting = try observer.query(
                """
                SELECT count(*) AS n FROM pg_stat_activity
                WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()
                """
            ).first!.int64("n")
            if waiting > 0 { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestSupportError("the delete never waited for the racing transaction")
    }
}
