import DMSCatalog
import Testing

@Suite struct ConnectorSpecSecretsTests {
    static let postgres = try! ConnectorCatalog.builtIn.spec(type: "postgres", version: 0)

    @Test func redactsEverySecretFieldThatIsPresent() {
        let redacted = Self.postgres.redacted(["host": "db", "user": "dms", "password": "s3cret"])
        #expect(redacted == ["host": "db", "user": "dms", "password": "********"])
        #expect(ConnectorSpec.redactedPlaceholder == "********")
        #expect(!redacted.description.contains("s3cret"))
    }

    @Test func leavesObjectsWithoutSecretsAlone() {
        #expect(Self.postgres.redacted(["host": "db"]) == ["host": "db"])
        let file = try! ConnectorCatalog.builtIn.spec(type: "file", version: 0)
        let conf: [String: JSONValue] = ["format": "csv", "path": "/x", "password": "not a secret field here"]
        #expect(file.redacted(conf) == conf)
    }

    @Test func redactsNonStringSecretsToo() {
        // A wrong-typed secret is still secret: nothing about its value leaves.
        #expect(Self.postgres.redacted(["password": 12345])["password"] == "********")
        #expect(Self.postgres.redacted(["password": ["a", "b"]])["password"] == "********")
    }

    @Test func redactsEffectiveConfsAndOverrides() {
        let conf = Self.postgres.effectiveConf(
            connection: ["host": "db", "database": "d", "user": "u", "password": "inherited-secret"],
            overrides: ["table": "t"], role: .source)
        #expect(Self.postgres.redacted(conf.values)["password"] == "********")
        #expect(Self.postgres.redacted(["password": "override-secret", "table": "t"]) == ["password": "********", "table": "t"])
    }

    @Test func aPlaceholderSentBackKeepsTheStoredSecret() {
        let stored: [String: JSONValue] = ["host": "db", "password": "s3cret"]
        let incoming: [String: JSONValue] = ["host": "db2", "password": "********"]
        #expect(Self.postgres.restoringSecrets(incoming, from: stored) == ["host": "db2", "password": "s3cret"])
        #expect(Self.postgres.restoringSecrets(["password": "new"], from: stored) == ["password": "new"])
        #expect(Self.postgres.restoringSecrets(["host": "db"], from: stored) == ["host": "db"])
    }

    @Test func aPlaceholderWithNothingStoredIsDroppedNotStored() {
        #expect(Self.postgres.restoringSecrets(["host": "db", "password": "********"], from: ["host": "db"]) == ["host": "db"])
    }
}
