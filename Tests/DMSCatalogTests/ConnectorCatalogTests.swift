import DMSCatalog
import Testing

@Suite struct ConnectorCatalogTests {
    static let catalog = ConnectorCatalog.builtIn
    static let allSpecs: [(String, ConnectorSpec)] = catalog.types.flatMap { type in type.versions.map { (type.type, $0) } }

    @Test func builtInTypesAreSortedByName() {
        #expect(Self.catalog.types.map(\.type) == ["file", "hive", "jdbc", "mysql", "postgres", "sqlite"])
    }

    @Test func everyTypeHasADisplayNameAndADescription() {
        for type in Self.catalog.types {
            #expect(!type.displayName.isEmpty, "\(type.type)")
            #expect(type.description.count > 80, "\(type.type)")
            #expect(type.latestVersion == type.versions.count)
            #expect(type.latest.version == type.latestVersion)
            #expect(!type.latest.deprecated, "\(type.type)")
        }
        #expect(Self.catalog.type(named: "postgres")?.displayName == "PostgreSQL")
        #expect(Self.catalog.type(named: "mysql")?.displayName == "MySQL / MariaDB")
    }

    @Test func postgresHasTwoVersionsAndTheFirstIsDeprecated() throws {
        let postgres = try #require(Self.catalog.type(named: "postgres"))
        #expect(postgres.versions.map(\.version) == [1, 2])
        #expect(postgres.latestVersion == 2)
        #expect(postgres.spec(version: 1)?.deprecated == true)
        #expect(postgres.spec(version: 2)?.deprecated == false)
        #expect(postgres.spec(version: 3) == nil)
        #expect(postgres.spec(version: 0) == nil)
        #expect(postgres.spec(version: 1)?.connectionFields == ["host", "port", "database", "user", "password", "sslmode"])
        #expect(postgres.spec(version: 2)?.connectionFields == [
            "host", "port", "database", "user", "password", "ssl_mode", "ssl_root_cert", "connect_timeout_seconds",
            "application_name",
        ])
    }

    @Test func specLookupTakesZeroAsTheLatestAndNamesWhatIsUnknown() throws {
        #expect(try Self.catalog.spec(type: "postgres", version: 0).version == 2)
        #expect(try Self.catalog.spec(type: "postgres", version: 1).version == 1)
        let unknownType = #expect(throws: CatalogError.self) { try Self.catalog.spec(type: "oracle", version: 0) }
        #expect(unknownType?.code == .unknownConnectorType)
        #expect(unknownType?.message.contains("file, hive, jdbc, mysql, postgres, sqlite") == true)
        let unknownVersion = #expect(throws: CatalogError.self) { try Self.catalog.spec(type: "sqlite", version: 2) }
        #expect(unknownVersion?.code == .unknownVersion)
        #expect(Self.catalog.type(named: "Postgres") == nil)
        #expect(unknownVersion?.description == "unknown-version: sqlite has no spec version 2 (versions 1 to 1)")
    }

    @Test func everySpecSchemaIsWellFormedAndFollowsTheConventions() {
        for (type, spec) in Self.allSpecs {
            for part in ConnectorSpec.Part.allCases {
                let problems = JSONSchema(spec.schema(part)).problems(conventions: .connectorSpecs)
                #expect(problems.isEmpty, "\(type) v\(spec.version) \(part): \(problems)")
                #expect(spec.schema(part)["additionalProperties"] == false, "\(type) v\(spec.version) \(part)")
                #expect(spec.schema(part)["type"] == "object")
            }
            let combined = JSONSchema(spec.combinedSchema(.source)).problems() + JSONSchema(spec.combinedSchema(.target)).problems()
            #expect(combined.isEmpty, "\(type) v\(spec.version): \(combined)")
        }
    }

    @Test func roleSchemasDoNotRedefineConnectionFields() {
        for (type, spec) in Self.allSpecs {
            #expect(JSONSchema(spec.sourceSchema).propertyNames.isDisjoint(with: spec.connectionFields), "\(type)")
            #expect(JSONSchema(spec.targetSchema).propertyNames.isDisjoint(with: spec.connectionFields), "\(type)")
        }
    }

    @Test func defaultsValidateAgainstTheirSchemas() {
        for (type, spec) in Self.allSpecs {
            for part in ConnectorSpec.Part.allCases {
                let defaults = JSONSchema(spec.schema(part)).propertyDefaults
                let properties = spec.schema(part)["properties"]?.objectValue ?? [:]
                for (name, value) in defaults {
                    #expect(JSONSchema.validate(value, against: properties[name]!).isEmpty, "\(type) \(part) \(name)")
                }
                // The defaults alone break nothing but missing required fields and the role rules.
                let reasons = Set(JSONSchema(spec.schema(part)).validate(.object(defaults)).map(\.reason))
                #expect(reasons.allSatisfy { $0 == "required field is missing" || $0.hasPrefix("must set exactly one of") }, "\(type) \(part): \(reasons)")
            }
        }
    }

    @Test func secretFieldsAreConnectionFields() throws {
        for (type, spec) in Self.allSpecs {
            #expect(Set(spec.secretFields).isSubset(of: spec.connectionFields), "\(type)")
        }
        #expect(try Self.catalog.spec(type: "postgres", version: 0).secretFields == ["password"])
        #expect(try Self.catalog.spec(type: "mysql", version: 0).secretFields == ["password"])
        #expect(try Self.catalog.spec(type: "jdbc", version: 0).secretFields == ["password"])
        #expect(try Self.catalog.spec(type: "file", version: 0).secretFields == [])
    }

    @Test func schemaTextIsCompactSortedJSONThatParsesBack() throws {
        let spec = try Self.catalog.spec(type: "postgres", version: 2)
        for part in ConnectorSpec.Part.allCases {
            let text = spec.schemaText(part)
            #expect(try JSONValue(parsing: text) == spec.schema(part))
            #expect(!text.contains("\n"))
        }
        #expect(spec.schemaText(.connection).hasPrefix(#"{"additionalProperties":false,"description":"#))
    }

    @Test func definitionsAreCheckedWhenLoaded() throws {
        let base: [String: JSONValue] = [
            "type": "demo", "display_name": "Demo", "description": "A demo.",
            "versions": [["version": 1, "connection_schema": ["type": "object"], "source_schema": "shared", "target_schema": ["type": "object"]]],
        ]
        let loaded = try ConnectorType(definition: .object(base), sharedSchemas: ["shared": ["type": "object", "title": "S"]])
        #expect(loaded.latest.sourceSchema["title"] == "S")

        func failure(_ change: (inout [String: JSONValue]) -> Void) -> String? {
            var definition = base
            change(&definition)
            do {
                _ = try ConnectorType(definition: .object(definition), sharedSchemas: ["shared": ["type": "object"]])
                return nil
            } catch {
                #expect(error.code == .invalidDefinition)
                return error.message
            }
        }
        #expect(failure { $0["type"] = "Demo" } == "connector Demo: type: may contain only a-z, 0-9 and '-', found 'D'")
        #expect(failure { $0["colour"] = "red" } == "connector definition: colour: unknown key")
        #expect(failure { $0["versions"] = [] } == "connector demo: versions: must be a non-empty array")
        func withVersion(_ change: [String: JSONValue]) -> (inout [String: JSONValue]) -> Void {
            { definition in
                let version = definition["versions"]![0]!.objectValue!.merging(change) { $1 }
                definition["versions"] = .array([.object(version)])
            }
        }
        #expect(failure(withVersion(["version": 2])) == "connector demo: versions[0].version: must be 1: versions are numbered 1, 2, 3, … in order")
        #expect(failure(withVersion(["secret_fields": ["password"]])) == "connector demo: versions[0].secret_fields: password is not a connection field")
        #expect(failure(withVersion(["deprecated": true])) == "connector demo: versions[0].deprecated: the latest version cannot be deprecated")
        #expect(failure(withVersion(["target_schema": "nope"])) == "connector demo: versions[0].target_schema: names no shared schema nope")
        #expect(failure(withVersion(["upgrade_from_previous": ["renamed_fields": [:]]])) == "connector demo: versions[0].upgrade_from_previous: version 1 has no previous version")
    }
}
