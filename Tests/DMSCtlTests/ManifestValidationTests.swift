import DMSTestSupport
import Foundation
import Testing

/// `apply -f` and `delete -f` check every document before anything is sent: a bad document exits
/// 64 naming its file, its index (from 1) and the field, and no connection is even attempted (the
/// server address given is closed, which would otherwise exit 5).
@Suite struct ManifestValidationTests {
    /// A server address nothing answers on; reaching for it would end with exit status 5.
    static let nowhere = ["--server", "127.0.0.1:1", "--config", "/nonexistent/config"]

    /// Runs `dmsctl <verb> -f <file>` on `files` written to a temporary directory.
    private func run(_ verb: String = "apply", files: [String: String], path: String? = nil) async throws -> ProcessResult {
        try await withTemporaryDirectory { directory in
            for (name, text) in files {
                try text.write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8)
            }
            let target = path.map { "\(directory)/\($0)" } ?? "\(directory)/\(files.keys.sorted()[0])"
            return try await DMSCtl.run([verb, "-f", target] + Self.nowhere)
        }
    }

    @Test func malformedYAMLNamesTheFileTheDocumentAndTheLine() async throws {
        let result = try await run(files: [
            "bad.yaml": "kind: Namespace\nmetadata: {name: sales}\n---\nkind: Connection\nmetadata:\n  name: [pg\n"
        ])
        #expect(result.status == 64, "\(result.transcript)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("bad.yaml, document 2: invalid YAML: line "), "\(result.stderr)")
    }

    @Test func malformedJSONNamesTheFileAndPosition() async throws {
        let result = try await run(files: ["bad.json": #"{"kind": "Namespace", "metadata": {"name": "x"},}"#])
        #expect(result.status == 64, "\(result.transcript)")
        #expect(result.stderr.contains("bad.json, document 1: invalid JSON: line 1, column "), "\(result.stderr)")
    }

    @Test func anUnknownKindIsRefusedListingTheKnownOnes() async throws {
        let result = try await run(files: ["x.yaml": "kind: Widget\nmetadata: {name: a}\nspec: {}\n"])
        #expect(result.status == 64, "\(result.transcript)")
        #expect(result.stderr.contains("x.yaml, document 1: kind: unknown kind \"Widget\""), "\(result.stderr)")
        #expect(result.stderr.contains("MigrationJob"))
    }

    @Test func aMissingNameIsRefusedNamingMetadataName() async throws {
        let result = try await run(files: ["x.yaml": "kind: Connection\nmetadata: {namespace: sales}\nspec: {type: postgres}\n"])
        #expect(result.status == 64, "\(result.transcript)")
        #expect(result.stderr.hasSuffix("x.yaml, document 1: metadata.name: required\n"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1)
    }

    @Test(arguments: [
        ("kind: Source\nmetadata: {name: Orders}\nspec: {connection: pg}\n", "metadata.name: \"Orders\" may contain only a-z, 0-9 and '-'"),
        ("kind: Source\nmetadata: {name: orders}\nspec: {connection: pg, colour: red}\n", "spec.colour: unknown field"),
        ("kind: Source\nmetadata: {name: orders}\n", "spec: required"),
        ("kind: Source\nmetadata: {name: orders}\nspec: {conf: {}}\n", "spec.connection: required"),
        ("kind: Job\nmetadata: {name: j}\nspec: {source: a, target: b, maxAttempts: three}\n", "spec.maxAttempts: must be a number"),
        ("kind: Job\nmetadata: {name: j}\nspec: {source: a, target: b, overlapPolicy: sometimes}\n", "spec.overlapPolicy: must be one of skip, queue"),
        ("kind: Connection\nmetadata: {name: pg}\nspec: {type: postgres, schema: [1]}\n", "spec.schema: must be an object"),
        (
            "kind: Connection\nmetadata: {name: pg}\nspec: {type: postgres, schema: {port: 123456789012345678901}}\n",
            "spec.schema.port: the integer does not fit in 64 bits"
        ),
        ("kind: Job\nmetadata: {name: j}\nspec: {source: a, target: b, maxAttempts: 2.5}\n", "spec.maxAttempts: must be a whole number"),
        ("kind: Namespace\nmetadata: {name: sales, namespace: other}\n", "metadata.namespace: unknown field"),
        ("apiVersion: v2\nkind: Namespace\nmetadata: {name: sales}\n", "apiVersion: must be dms/v1"),
        ("- kind: Namespace\n", "a document must be an object"),
    ])
    func aBadFieldIsNamedWithItsPath(document: String, expected: String) async throws {
        let result = try await run(files: ["doc.yaml": document])
        #expect(result.status == 64, "\(result.transcript)")
        #expect(result.stderr.contains("doc.yaml, document 1: \(expected)"), "\(result.stderr)")
    }

    @Test func aSecretReferenceToAnUnsetVariableIsRefusedWithoutShowingAnything() async throws {
        let result = try await run(files: [
            "pg.yaml": "kind: Connection\nmetadata: {name: pg}\nspec:\n  type: postgres\n  schema: {password: {fromEnv: DMS_TEST_UNSET_VARIABLE}}\n"
        ])
        #expect(result.status == 64, "\(result.transcript)")
        #expect(result.stderr.contains("spec.schema.password.fromEnv: the environment variable DMS_TEST_UNSET_VARIABLE is not set"))
    }

    @Test func duplicateDocumentsAreRefusedNamingTheFirstDefinition() async throws {
        let documents = """
            kind: Connection
            metadata: {name: pg, namespace: a}
            spec: {type: postgres}
            ---
            kind: Connection
            metadata: {name: pg, namespace: b}
            spec: {type: postgres}
            ---
            kind: Source
            metadata: {name: s, namespace: a}
            spec: {connection: pg}
            ---
            kind: Target
            metadata: {name: s, namespace: a}
            spec: {connection: pg}
            ---
            kind: Source
            metadata: {name: s, namespace: b}
            spec: {connection: pg}
            ---
            kind: Source
            metadata: {name: s, namespace: a}
            spec: {connection: pg}
            """
        let result = try await run(files: ["dup.yaml": documents])
        #expect(result.status == 64, "\(result.transcript)")
        let lines = result.stderr.split(separator: "\n").map(String.init)
        // Connection names are global; a source and a target may share a name; namespaces separate.
        #expect(lines.first == "dmsctl: 2 problems in the documents; nothing was sent", "\(result.stderr)")
        #expect(lines.contains { $0.contains("dup.yaml, document 2: metadata.name: Connection \"pg\" is already defined in ") && $0.hasSuffix("dup.yaml, document 1") }, "\(result.stderr)")
        #expect(lines.contains { $0.contains("dup.yaml, document 6: metadata.name: Source \"s\" in namespace \"a\" is already defined in ") && $0.hasSuffix("dup.yaml, document 3") }, "\(result.stderr)")
    }

    @Test func everyBadDocumentOfADirectoryIsReportedInOneGo() async throws {
        let result = try await run(
            files: [
                "1-namespace.yaml": "kind: Namespace\nmetadata: {name: sales}\n",
                "2-connection.yml": "kind: Connection\nmetadata: {name: pg}\nspec: {}\n",
                "3-jobs.json": #"[{"kind": "Job", "metadata": {"name": "j"}, "spec": {"source": "a", "target": "b"}}, {"kind": "Job"}]"#,
                "notes.txt": "not a document",
            ], path: ".")
        #expect(result.status == 64, "\(result.transcript)")
        #expect(result.stderr.contains("2-connection.yml, document 1: spec.type: required"), "\(result.stderr)")
        #expect(result.stderr.contains("3-jobs.json, document 2: metadata: required"), "\(result.stderr)")
        #expect(!result.stderr.contains("notes.txt"))
    }

    @Test func aMissingPathAndAnEmptyDirectoryAreUsageErrors() async throws {
        let missing = try await DMSCtl.run(["apply", "-f", "/nonexistent/deploy.yaml"] + Self.nowhere)
        #expect(missing.status == 64, "\(missing.transcript)")
        #expect(missing.stderr == "dmsctl: /nonexistent/deploy.yaml: no such file or directory\n")
        try await withTemporaryDirectory { directory in
            let empty = try await DMSCtl.run(["apply", "-f", directory] + Self.nowhere)
            #expect(empty.status == 64, "\(empty.transcript)")
            #expect(empty.stderr.contains("no *.yaml, *.yml or *.json file"))
        }
    }

    @Test func applyWithoutFilesIsAUsageError() async throws {
        let result = try await DMSCtl.run(["apply"] + Self.nowhere)
        #expect(result.status == 64, "\(result.transcript)")
        #expect(result.stderr.contains("-f FILE|DIR|-"))
    }

    @Test func deleteChecksTheDocumentsToo() async throws {
        let result = try await run("delete", files: ["x.yaml": "kind: Namespace\nmetadata: {}\n"])
        #expect(result.status == 64, "\(result.transcript)")
        #expect(result.stderr.contains("x.yaml, document 1: metadata.name: required"))
    }

    @Test func deleteDoesNotReadSecretReferences() async throws {
        // The document is valid for delete (the unset variable is not read), so dmsctl goes on to
        // connect — and finds nothing at the address: exit 5, not 64.
        let result = try await run("delete", files: [
            "pg.yaml": "kind: Connection\nmetadata: {name: pg}\nspec:\n  type: postgres\n  schema: {password: {fromEnv: DMS_TEST_UNSET_VARIABLE}}\n"
        ])
        #expect(result.status == 5, "\(result.transcript)")
    }

    @Test func documentsFromStdinAreRead() async throws {
        let result = try await DMSCtl.run(["apply", "-f", "-"] + Self.nowhere, stdin: "kind: Gadget\nmetadata: {name: a}\n")
        #expect(result.status == 64, "\(result.transcript)")
        #expect(result.stderr.contains("(stdin), document 1: kind: unknown kind \"Gadget\""), "\(result.stderr)")
    }

    @Test func applyHelpDescribesTheDocumentShape() async throws {
        let result = try await DMSCtl.run(["apply", "--help"])
        #expect(result.status == 0, "\(result.transcript)")
        for text in [
            "kind: Namespace | Connection | Source | Target | MigrationJob", "metadata:", "spec:", "fromEnv", "fromFile",
            "--dry-run", "unchanged", "Example:",
        ] {
            #expect(result.stdout.contains(text), "\(text) missing from apply --help")
        }
    }
}
