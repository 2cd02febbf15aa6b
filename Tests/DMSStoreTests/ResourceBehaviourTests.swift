@testable import DMSStore
import DMSCatalog
import DMSPostgres
import DMSProto
import DMSSecrets
import DMSWire
import Foundation
import Testing

@Suite("Resources in the store")
struct ResourceBehaviourTests {
    func object(_ text: String) throws -> [String: JSONValue] {
        try #require(try JSONValue(parsing: text).objectValue)
    }

    @Test("a source's effective conf follows its connection live; its overrides stay its own")
    func liveInheritance() async throws {
        let test = try await TestStore.open()
        defer { test.pool.close() }
        let connection = try await test.postgresConnection()
        let source = try await test.source(connection: connection, conf: #"{"table":"public.orders","port":6543}"#)
        #expect(source.conf["host"] == "db.example")
        #expect(source.conf["port"] == 6543)
        #expect(source.conf["password"] == .string(ConnectorSpec.redactedPlaceholder))
        #expect(source.conf["fetch_size"] != nil)  // defaulted from the source schema
        #expect(source.overrides == ["table": "public.orders", "port": 6543])

        var update = Dms_V1_UpdateConnectionRequest()
        update.expectedRevision = connection.revision
        update.schema = #"{"host":"db2.example","port":5433,"database":"sales","user":"etl","password":"********"}"#
        let updated = try await test.store.connections.update(update, key: .id(UUID(uuidString: connection.id)!), scope: .everything)
        #expect(updated.revision == connection.revision + 1)
        let reread = try await test.store.sources.get(.id(UUID(uuidString: source.id)!), scope: .everything)
        #expect(reread.conf["host"] == "db2.example")
        #expect(reread.conf["port"] == 6543)  // the override wins
        #expect(reread.revision == source.revision)  // the source itself did not change
    }

    @Test("two clients updating from the same revision: one wins, the other is refused with ABORTED")
    func concurrentUpdates() async throws {
        let test = try await TestStore.open()
        defer { test.pool.close() }
        let connection = try await test.postgresConnection()
        let outcomes = await withTaskGroup(of: RPCError.Code?.self) { group in
            for host in ["a.example", "b.example", "c.example", "d.example"] {
                group.addTask {
                    var request = Dms_V1_UpdateConnectionRequest()
                    request.expectedRevision = connection.revision
                    request.schema = #"{"host":"\#(host)","database":"sales","user":"etl","password":"********"}"#
                    do {
                        _ = try await test.store.connections.update(request, key: .id(UUID(uuidString: connection.id)!), scope: .everything)
                        return nil
                    } catch let error as RPCError {
                        return error.code
                    } catch {
                        return .internal
                    }
                }
            }
            return await group.reduce(into: [RPCError.Code?]()) { $0.append($1) }
        }
        #expect(outcomes.filter { $0 == nil }.count == 1)
        #expect(outcomes.filter { $0 == .aborted }.count == 3)
        let final = try await test.store.connections.get(.id(UUID(uuidString: connection.id)!), scope: .everything)
        #expect(final.revision == connection.revision + 1)
    }

    @Test("an update that changes nothing keeps the revision; the placeholder keeps the stored secret")
    func noOpUpdate() async throws {
        let test = try await TestStore.open()
        defer { test.pool.close() }
        let connection = try await test.postgresConnection(password: "first-password")
        var request = Dms_V1_UpdateConnectionRequest()
        request.expectedRevision = connection.revision
        request.schema = connection.schema  // as read: password "********", defaults filled in
        let same = try await test.store.connections.update(request, key: .id(UUID(uuidString: connection.id)!), scope: .everything)
        #expect(same.revision == connection.revision)
        let sealed = try await test.pool.withConnection { try $0.query("SELECT secrets::text AS s FROM connections").first!.object("s") }
        let opened = try SecretColumns(sealer: SecretSealer(keys: test.keys)).open(sealed, table: "connections", id: UUID(uuidString: connection.id)!)
        #expect(opened["password"] == "first-password")
        request.schema = #"{"host":"db.example","port":5432,"database":"sales","user":"etl","password":"second-password"}"#
        let changed = try await test.store.connections.update(request, key: .id(UUID(uuidString: connection.id)!), scope: .everything)
        #expect(changed.revision == connection.revision + 1)
    }

    @Test("secrets are sealed at rest: not in the schema column, not in clear, bound to their row")
    func secretsAtRest() async throws {
        let test = try await TestStore.open()
        defer { test.pool.close() }
        let canary = "canary-\(UUID().uuidString)"
        let first = try await test.postgresConnection(name: "pg-a", password: canary)
        let second = try await test.postgresConnection(name: "pg-b", password: "other")
        let dump = try await test.pool.withConnection { db in
            try Array(db.query("SELECT schema::text AS schema, secrets::text AS secrets FROM connections")).map { "\(try $0.string("schema")) \(try $0.string("secrets"))" }
        }
        #expect(!dump.joined().contains(canary))
        #expect(!dump.joined().contains("\"password\":\"other\""))
        #expect(first.schema.contains(#""password":"********""#))
        // Move the first row's ciphertext onto the second row: it must not open there.
        try await test.pool.withConnection { db in
            try db.query("UPDATE connections SET secrets = (SELECT secrets FROM connections WHERE id = $1) WHERE id = $2", UUID(uuidString: first.id)!, UUID(uuidString: second.id)!)
        }
        var request = Dms_V1_UpdateConnectionRequest()
        request.expectedRevision = second.revision
        request.newName = "pg-b2"
        await #expect(throws: SecretError.self) {
            _ = try await test.store.connections.update(request, key: .id(UUID(uuidString: second.id)!), scope: .everything)
        }
    }

    @Test("deleting a connection in use names its users; deleting it after they are gone works")
    func deleteInUse() async throws {
        let test = try await TestStore.open()
        defer { test.pool.close() }
        let connection = try await test.postgresConnection()
        let source = try await test.source(connection: connection)
        let target = try await test.target(connection: connection)
        let key = ResourceKey.id(UUID(uuidString: connection.id)!)
        let error = await #expect(throws: RPCError.self) { try await test.store.connections.delete(key: key, expectedRevision: 0, scope: .everything) }
        #expect(error?.code == .failedPrecondition)
        #expect(error?.message.contains("source default/orders") == true)
        #expect(error?.message.contains("target default/orders-copy") == true)
        try await test.store.sources.delete(key: .id(UUID(uuidString: source.id)!), expectedRevision: source.revision, scope: .everything)
        try await test.store.targets.delete(key: .id(UUID(uuidString: target.id)!), expectedRevision: 0, scope: .everything)
        try await test.store.connections.delete(key: key, expectedRevision: connection.revision, scope: .everything)
        await #expect(throws: RPCError.self) { _ = try await test.store.connections.get(key, scope: .everything) }
    }

    @Test("a v1 connection still renders after v2 exists; upgrade carries it and its sources' overrides to v2")
    func upgrade() async throws {
        let test = try await TestStore.open()
        defer { test.pool.close() }
        let connection = try await test.postgresConnection(version: 1)
        #expect(connection.version == 1)
        #expect(try object(connection.schema)["sslmode"] == "require")
        let source = try await test.source(connection: connection, conf: #"{"table":"t","sslmode":"disable"}"#)
        var request = Dms_V1_UpgradeConnectionRequest()
        request.expectedRevision = connection.revision
        let upgraded = try await test.store.connections.upgrade(request, key: .id(UUID(uuidString: connection.id)!), scope: .everything)
        #expect(upgraded.version == 2)
        let schema = try object(upgraded.schema)
        #expect(schema["ssl_mode"] == "require")
        #expect(schema["sslmode"] == nil)
        #expect(schema["password"] == .string(ConnectorSpec.redactedPlaceholder))
        let carried = try await test.store.sources.get(.id(UUID(uuidString: source.id)!), scope: .everything)
        #expect(carried.overrides["ssl_mode"] == "disable")
        #expect(carried.overrides["sslmode"] == nil)
        // The password survived the upgrade (re-sealed for the same row and field).
        let sealed = try await test.pool.withConnection { try $0.query("SELECT secrets::text AS s FROM connections").first!.object("s") }
        #expect(try SecretColumns(sealer: SecretSealer(keys: test.keys)).open(sealed, table: "connections", id: UUID(uuidString: connection.id)!)["password"] == "s3cret")
        request.expectedRevision = upgraded.revision
        let again = await #expect(throws: RPCError.self) {
            _ = try await test.store.connections.upgrade(request, key: .id(UUID(uuidString: connection.id)!), scope: .everything)
        }
        #expect(again?.violations.first?.field == "to_version")
    }

    @Test("sources and jobs may not reach into another namespace")
    func crossNamespace() async throws {
        let test = try await TestStore.open()
        defer { test.pool.close() }
        _ = try await test.store.namespaces.create(name: "team-b", description: "")
        let connectionA = try await test.postgresConnection(name: "pg-a")
        let connectionB = try await test.postgresConnection(name: "pg-b", namespace: "team-b")
        let error = await #expect(throws: RPCError.self) { _ = try await test.source(name: "src", connection: connectionA, namespace: "team-b") }
        #expect(error?.violations.first?.field == "connection_id")
        #expect(error?.violations.first?.description.contains("namespace \"default\"") == true)
        let sourceA = try await test.source(connection: connectionA)
        let targetB = try await test.target(connection: connectionB, namespace: "team-b")
        let jobError = await #expect(throws: RPCError.self) { _ = try await test.job(source: sourceA, target: targetB) }
        #expect(jobError?.violations.map(\.field) == ["target_id"])
        // A scoped caller cannot even see the other namespace's connection.
        let scoped = AccessScope(namespace: "team-b", mayWrite: true)
        let hidden = await #expect(throws: RPCError.self) { _ = try await test.store.connections.get(.id(UUID(uuidString: connectionA.id)!), scope: scoped) }
        #expect(hidden?.code == .notFound)
    }

    @Test("lists page through every item exactly once, filtered by prefix")
    func paging() async throws {
        let test = try await TestStore.open()
        defer { test.pool.close() }
        for index in 0..<23 { _ = try await test.postgresConnection(name: String(format: "pg-%02d", index)) }
        _ = try await test.postgresConnection(name: "other")
        var names = [String]()
        var request = Dms_V1_ListConnectionsRequest()
        request.pageSize = 10
        request.namePrefix = "pg-"
        var pages = 0
        repeat {
            let page = try await test.store.connections.list(request, namespace: nil)
            names += page.connections.map(\.name)
            request.pageToken = page.nextPageToken
            pages += 1
        } while !request.pageToken.isEmpty
        #expect(pages == 3)
        #expect(names == (0..<23).map { String(format: "pg-%02d", $0) })
    }

    @Test("rotating the master key re-seals every secret; the old key is then not needed")
    func rotation() async throws {
        let old = MasterKey.generate()
        let test = try await TestStore.open(keys: [old])
        defer { test.pool.close() }
        let connection = try await test.postgresConnection(password: "rotate-me")
        let source = try await test.source(connection: connection, conf: #"{"table":"t","password":"source-secret"}"#)
        let new = MasterKey.generate()
        #expect(try await MetadataStore.rotateKey(pool: test.pool, keys: [new, old]) == 2)
        let onlyNew = SecretColumns(sealer: try SecretSealer(keys: [new]))
        let rows = try await test.pool.withConnection { db in
            (try db.query("SELECT secrets::text AS s FROM connections").first!.object("s"), try db.query("SELECT secrets::text AS s FROM sources").first!.object("s"))
        }
        #expect(try onlyNew.open(rows.0, table: "connections", id: UUID(uuidString: connection.id)!)["password"] == "rotate-me")
        #expect(try onlyNew.open(rows.1, table: "sources", id: UUID(uuidString: source.id)!)["password"] == "source-secret")
    }

    @Test("tokens: only a digest is stored; revoked and expired tokens stop working")
    func tokens() async throws {
        let test = try await TestStore.open()
        defer { test.pool.close() }
        let bootstrap = try #require(try await test.store.tokens.createBootstrapAdminIfEmpty())
        #expect(try await test.store.tokens.createBootstrapAdminIfEmpty() == nil)
        #expect(try await test.store.tokens.principal(for: bootstrap)?.role == .admin)
        var request = Dms_V1_CreateTokenRequest()
        request.name = "ci"
        request.role = .viewer
        request.namespace = "default"
        let created = try await test.store.tokens.create(request, scope: .everything, callDefault: nil)
        #expect(created.secret.hasPrefix("dms_"))
        let stored = try await test.pool.withConnection { db in try Array(db.query("SELECT digest, prefix FROM tokens")).map { "\(try $0.string("digest")) \(try $0.string("prefix"))" } }
        #expect(!stored.joined().contains(created.secret))
        #expect(try await test.store.tokens.principal(for: created.secret) == .init(tokenID: created.token.id, role: .viewer, namespace: "default"))
        _ = try await test.store.tokens.revoke(id: created.token.id, name: "", namespace: "", scope: .everything)
        #expect(try await test.store.tokens.principal(for: created.secret) == nil)
        #expect(try await test.store.tokens.principal(for: "dms_" + String(repeating: "A", count: 43)) == nil)
    }

    @Test("every migration file is listed, in order")
    func migrationsListed() throws {
        let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/DMSStore/Migrations").path
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(files.count == StoreSchema.migrations.count)
        for (file, migration) in zip(files, StoreSchema.migrations) {
            #expect(file == String(format: "%04d_%@.sql", migration.version, migration.name))
        }
    }
}
