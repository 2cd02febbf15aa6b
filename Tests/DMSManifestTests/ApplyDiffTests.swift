import DMSAPI
import DMSCatalog
import DMSManifest
import DMSProto
import Testing

/// What apply would change, decided without a server: only the fields a document gives count,
/// defaults the server shows in other words compare equal, and secrets it hides are sent.
@Suite struct ApplyDiffTests {
    static let server = Dms_V1_Connection.with {
        $0.type = "postgres"
        $0.version = 2
        $0.schema = #"{"host":"db.internal","password":"********","port":5432,"sslmode":"prefer"}"#
    }

    @Test func aConnectionWhoseFieldsAllMatchIsUnchanged() throws {
        let spec = ManifestSpec.ConnectionSpec(type: "postgres", schema: ["host": "db.internal", "port": 5432.0, "password": "********"])
        let changes = try ApplyDiff.connection(spec, Self.server, defaults: ["sslmode": "prefer"])
        #expect(changes.action == .unchanged, "a field at its default may be left out; 5432.0 is 5432")
    }

    @Test func aFieldTheServerHasBeyondItsDefaultIsAChange() throws {
        let spec = ManifestSpec.ConnectionSpec(type: "postgres", schema: ["host": "db.internal", "port": 5432, "password": "********"])
        let changes = try ApplyDiff.connection(spec, Self.server, defaults: ["sslmode": "require"])
        #expect(changes.action == .update(fields: ["schema"]))
    }

    @Test func aNewPasswordCanOnlyBeSentNotCompared() throws {
        let spec = ManifestSpec.ConnectionSpec(
            type: "postgres", schema: ["host": "db.internal", "port": 5432, "password": "new", "sslmode": "prefer"])
        let changes = try ApplyDiff.connection(spec, Self.server, defaults: [:])
        #expect(changes.action == .sendSecrets(fields: ["schema"]))
        #expect(changes.action.dryRunResult == "would send secrets")
    }

    @Test func aVersionUpIsAChangeAndAVersionDownIsRefused() throws {
        let up = try ApplyDiff.connection(.init(type: "postgres", version: 3), Self.server, defaults: [:])
        #expect(up.action == .update(fields: ["version"]))
        #expect(throws: ApplyDiff.Conflict.self) { try ApplyDiff.connection(.init(type: "postgres", version: 1), Self.server, defaults: [:]) }
        do {
            _ = try ApplyDiff.connection(.init(type: "postgres", version: 1), Self.server, defaults: [:])
        } catch {
            #expect(error.field == "spec.version")
            #expect(error.problem == "the connection is at version 2; versions only go up")
        }
    }

    @Test func aConnectionsTypeNeverChanges() {
        do {
            _ = try ApplyDiff.connection(.init(type: "mysql"), Self.server, defaults: [:])
            Issue.record("a type change was accepted")
        } catch {
            #expect(error.field == "spec.type")
            #expect(error.problem == "is \"postgres\" on the server; a connection's type never changes")
        }
    }

    @Test func aSourceComparesItsConnectionAndItsOwnFieldsOnly() {
        let current = Dms_V1_Source.with {
            $0.connectionID = "c1"
            $0.conf = #"{"host":"db.internal","table":"public.orders"}"#
            $0.overrides = #"{"table":"public.orders"}"#
        }
        let same = ApplyDiff.layered(.init(connection: "pg-main", conf: ["table": "public.orders"]), connectionID: "c1", current)
        #expect(same.action == .unchanged, "inherited fields are not the source's own")
        let moved = ApplyDiff.layered(.init(connection: "pg-other", conf: ["table": "public.sales"]), connectionID: "c2", current)
        #expect(moved.action == .update(fields: ["connection", "conf"]))
        let confLeftOut = ApplyDiff.layered(.init(connection: "pg-main"), connectionID: "c1", current)
        #expect(confLeftOut.action == .unchanged, "a field a document leaves out is left as it is")
    }

    @Test func aJobComparesDefaultsAsTheServerMeansThem() {
        let current = Dms_V1_MigrationJob.with {
            $0.sourceID = "s1"
            $0.targetID = "t1"
            $0.timeZone = ""
            $0.maxAttempts = 0
            $0.overlapPolicy = .unspecified
            $0.misfirePolicy = .unspecified
        }
        var spec = ManifestSpec.JobSpec(source: "orders", target: "warehouse")
        spec.timeZone = "UTC"
        spec.maxAttempts = 1
        spec.overlapPolicy = .skip
        spec.misfirePolicy = .once
        #expect(ApplyDiff.job(spec, sourceID: "s1", targetID: "t1", current).action == .unchanged)

        spec.overlapPolicy = .queue
        spec.misfirePolicy = .all
        spec.schedule = "0 3 * * *"
        spec.paused = true
        #expect(
            ApplyDiff.job(spec, sourceID: "s1", targetID: "t2", current).action
                == .update(fields: ["target", "schedule", "overlapPolicy", "misfirePolicy", "paused"]))
    }

    @Test func aNamespaceDescriptionLeftOutIsNoChange() {
        let current = Dms_V1_Namespace.with { $0.description_p = "Sales" }
        #expect(ApplyDiff.namespace(.init(), current).action == .unchanged)
        #expect(ApplyDiff.namespace(.init(description: "Sales"), current).action == .unchanged)
        #expect(ApplyDiff.namespace(.init(description: ""), current).action == .update(fields: ["description"]))
    }

    @Test(arguments: [
        (["a": 1], ["a": 1.0], .equal),
        (["a": "********"], ["a": "********"], .equal),
        (["a": "x"], ["a": "********"], .secretsOnly),
        (["a": 1, "b": 2], ["a": 1], .different),
        (["a": [1, 2]], ["a": [2, 1]], .different),
    ] as [([String: JSONValue], [String: JSONValue], ConfigComparison.Outcome)])
    func configurationObjectsCompareByMeaning(desired: [String: JSONValue], actual: [String: JSONValue], outcome: ConfigComparison.Outcome) {
        #expect(ConfigComparison.compare(desired: desired, actual: actual) == outcome)
    }
}
