import DMSCatalog
import Testing

@Suite struct ConnectorTypeUpgradeTests {
    static let catalog = ConnectorCatalog.builtIn
    static let v1Connection: [String: JSONValue] = [
        "host": "db", "port": 5433, "database": "shop", "user": "dms", "password": "pw", "sslmode": "verify-full",
    ]

    @Test func postgresV1ToV2RenamesSslmodeAndTheResultValidates() throws {
        let upgraded = try Self.catalog.upgrade(Self.v1Connection, type: "postgres", from: 1, to: 2)
        #expect(upgraded == ["host": "db", "port": 5433, "database": "shop", "user": "dms", "password": "pw", "ssl_mode": "verify-full"])
        let v2 = try Self.catalog.spec(type: "postgres", version: 2)
        #expect(v2.validateConnection(.object(upgraded)) == [])
        #expect(v2.effectiveConnection(upgraded)["connect_timeout_seconds"] == 10)
    }

    @Test func upgradingAConfigurationWithoutTheRenamedFieldKeepsIt() throws {
        var connection = Self.v1Connection
        connection["sslmode"] = nil
        let upgraded = try Self.catalog.upgrade(connection, type: "postgres", from: 1, to: 0)
        #expect(upgraded == connection)
        #expect(try Self.catalog.spec(type: "postgres", version: 0).validateConnection(.object(upgraded)) == [])
    }

    @Test func aValueAlreadyUnderTheNewNameWins() throws {
        var connection = Self.v1Connection
        connection["ssl_mode"] = "disable"
        let upgraded = try Self.catalog.upgrade(connection, type: "postgres", from: 1, to: 2)
        #expect(upgraded["ssl_mode"] == "disable")
        #expect(upgraded["sslmode"] == nil)
    }

    @Test func upgradingToTheSameVersionChangesNothing() throws {
        #expect(try Self.catalog.upgrade(Self.v1Connection, type: "postgres", from: 1, to: 1) == Self.v1Connection)
    }

    @Test func impossibleUpgradesAreRefused() {
        let backwards = #expect(throws: CatalogError.self) { try Self.catalog.upgrade([:], type: "postgres", from: 2, to: 1) }
        #expect(backwards?.code == .unsupportedUpgrade)
        let missing = #expect(throws: CatalogError.self) { try Self.catalog.upgrade([:], type: "postgres", from: 1, to: 3) }
        #expect(missing?.code == .unknownVersion)
        let unknown = #expect(throws: CatalogError.self) { try Self.catalog.upgrade([:], type: "oracle", from: 1, to: 2) }
        #expect(unknown?.code == .unknownConnectorType)
    }

    @Test func upgradeStepsApplyInOrderAndDropRemovedFields() throws {
        let object: JSONValue = ["type": "object"]
        let type = ConnectorType(type: "demo", displayName: "Demo", description: "d", versions: [
            ConnectorSpec(version: 1, connectionSchema: object, sourceSchema: object, targetSchema: object),
            ConnectorSpec(version: 2, connectionSchema: object, sourceSchema: object, targetSchema: object,
                          upgradeFromPrevious: .init(renamedFields: ["a": "b"], removedFields: ["old"])),
            ConnectorSpec(version: 3, connectionSchema: object, sourceSchema: object, targetSchema: object,
                          upgradeFromPrevious: .init(renamedFields: ["b": "c"])),
        ])
        #expect(try type.upgrade(["a": 1, "old": true, "keep": "k"], from: 1, to: 3) == ["c": 1, "keep": "k"])
        #expect(try type.upgrade(["a": 1, "old": true], from: 2, to: 3) == ["a": 1, "old": true])
    }
}
