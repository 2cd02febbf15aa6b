import DMSManifest
import Testing

/// Reading and checking `apply -f` documents in process: every problem names its file, its
/// document (from 1) and its field, and nothing is loaded while any problem remains.
@Suite struct ManifestLoadingTests {
    static let connection = """
        kind: Connection
        metadata: {name: pg-main, namespace: sales}
        spec: {type: postgres, schema: {host: db.internal}}
        """

    @Test(arguments: [
        ("kind: Connection\nmetadata: {name: pg}\nspec: {schema: {}}", "db.yaml, document 1: spec.type: required"),
        ("kind: Connection\nmetadata: {name: pg}\nspec: {type: postgres, hots: x}", "db.yaml, document 1: spec.hots: unknown field (known: type, version, schema)"),
        ("kind: Connection\nmetadata: {name: Pg_Main}\nspec: {type: postgres}", "db.yaml, document 1: metadata.name: \"Pg_Main\""),
        ("kind: Widget\nmetadata: {name: w}\nspec: {}", "db.yaml, document 1: kind: unknown kind \"Widget\" (known: Namespace, Connection, Source, Target, MigrationJob (or Job))"),
        ("kind: Source\nmetadata: {name: orders}", "db.yaml, document 1: spec: required for a Source"),
        ("kind: Namespace\nmetadata: {name: sales, namespace: other}", "db.yaml, document 1: metadata.namespace: unknown field (known: name)"),
        ("apiVersion: dms/v2\nkind: Namespace\nmetadata: {name: sales}", "db.yaml, document 1: apiVersion: must be dms/v1 (or left out)"),
        ("kind: Job\nmetadata: {name: j}\nspec: {source: a, target: b, maxAttempts: 1.5}", "db.yaml, document 1: spec.maxAttempts: must be a whole number between 0 and 2147483647"),
        ("kind: Job\nmetadata: {name: j}\nspec: {source: a, target: b, overlapPolicy: later}", "db.yaml, document 1: spec.overlapPolicy: must be one of skip, queue (got \"later\")"),
        ("kind: Job\nmetadata: {name: j}\nspec: {source: a, target: b, paused: \"yes\"}", "db.yaml, document 1: spec.paused: must be true or false, not a string"),
        ("- just\n- a list", "db.yaml, document 1: a document must be an object with kind, metadata and spec, not an array"),
    ])
    func aBadDocumentIsRefusedNamingItsFileDocumentAndField(yaml: String, expected: String) async throws {
        let result = try await loadManifests(["db.yaml": yaml])
        let rejection = try #require(result.failure, "loaded: \(yaml)")
        let lines = problems(rejection)
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix(expected) == true, "\(lines)")
    }

    @Test func everyBadDocumentOfEveryFileIsReportedAtOnceAndNothingLoads() async throws {
        let result = try await loadManifests([
            "a.yaml": Self.connection + "\n---\nkind: Source\nmetadata: {name: orders, namespace: sales}\nspec: {conf: {}}",
            "b.yaml": "kind: Target\nmetadata: {name: wh, namespace: sales}\nspec: {connection: pg-main, mode: append}",
        ])
        let rejection = try #require(result.failure)
        #expect(rejection.message == "2 problems in the documents; nothing was sent")
        #expect(
            problems(rejection) == [
                "a.yaml, document 2: spec.connection: required",
                "b.yaml, document 1: spec.mode: unknown field (known: connection, conf)",
            ])
    }

    @Test func invalidYAMLIsReportedWithTheDocumentItStopsIn() async throws {
        let result = try await loadManifests(["db.yaml": Self.connection + "\n---\nkind: Source\nmetadata: {name: [unclosed\n"])
        let rejection = try #require(result.failure)
        let line = try #require(problems(rejection).first)
        #expect(line.hasPrefix("db.yaml, document 2: invalid YAML: line "), "\(line)")
    }

    @Test func aDuplicateKeyIsRefusedNamingTheKey() async throws {
        let result = try await loadManifests(["db.yaml": "kind: Connection\nmetadata: {name: pg}\nspec:\n  type: postgres\n  type: mysql\n"])
        let rejection = try #require(result.failure)
        let line = try #require(problems(rejection).first)
        #expect(line.hasPrefix("db.yaml, document 1: invalid YAML: "), "\(line)")
        #expect(line.contains("'type'"), "\(line)")
    }

    @Test func aDirectoryWithoutDocumentsIsRefused() async throws {
        let result = try await loadManifests(["notes.txt": "kind: Namespace"])
        let message = try #require(result.failure?.message)
        #expect(message.hasSuffix(": no *.yaml, *.yml or *.json file in the directory"), "\(message)")
    }

    @Test func documentsThatAreOnlySeparatorsLeaveNothingToApply() async throws {
        let result = try await loadManifests(["db.yaml": "---\n---\n"])
        let rejection = try #require(result.failure)
        #expect(rejection.message.hasPrefix("no documents in "))
    }

    @Test func aJSONFileMayHoldAnArrayOfDocuments() async throws {
        let json = #"[{"kind": "Namespace", "metadata": {"name": "sales"}}, {"kind": "Job", "metadata": {"name": "x"}}]"#
        let result = try await loadManifests(["all.json": json])
        let rejection = try #require(result.failure)
        #expect(problems(rejection) == ["all.json, document 2: spec: required for a MigrationJob"])
    }

    @Test func secretReferencesAreResolvedFromTheEnvironmentAndFilesBesideTheDocument() async throws {
        let yaml = """
            kind: Connection
            metadata: {name: pg-main}
            spec:
              type: postgres
              schema: {host: db, password: {fromEnv: PG_PASSWORD}, sslkey: {fromFile: key.txt}}
            """
        let documents = try await loadManifests(["db.yaml": yaml, "key.txt": "KEY-123\r\n"], environment: ["PG_PASSWORD": "s3cret"]).get()
        guard case .connection(let spec) = try #require(documents.first).spec else {
            Issue.record("not a connection: \(documents)")
            return
        }
        #expect(spec.schema?["password"] == .string("s3cret"))
        #expect(spec.schema?["sslkey"] == .string("KEY-123"), "one trailing newline dropped")
        #expect(spec.schema?["host"] == .string("db"))
    }

    @Test func aSecretReferenceThatResolvesToNothingNamesItsFieldNotAValue() async throws {
        let yaml = """
            kind: Connection
            metadata: {name: pg-main}
            spec: {type: postgres, schema: {password: {fromEnv: PG_PASSWORD}, key: {fromFile: missing.txt}}}
            """
        let result = try await loadManifests(["db.yaml": yaml], environment: [:])
        let rejection = try #require(result.failure)
        #expect(
            problems(rejection) == [
                "db.yaml, document 1: spec.schema.key.fromFile: cannot read the file missing.txt"
            ], "the first problem of a document is its error")
    }

    @Test func deleteLeavesSecretReferencesUnread() async throws {
        let yaml = "kind: Connection\nmetadata: {name: pg-main}\nspec: {type: postgres, schema: {password: {fromEnv: UNSET_VARIABLE}}}"
        let documents = try await loadManifests(["db.yaml": yaml], resolvingSecrets: false).get()
        #expect(documents.map(\.label) == ["connection/pg-main"])
    }
}
