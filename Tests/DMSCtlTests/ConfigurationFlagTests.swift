import DMSTestSupport
import Foundation
import Testing

/// `--set`, `--set-string`, `--unset`, `--schema-file` and the secret flags, observed without a
/// server through `connection create --dry-run`, which prints the request it would send.
@Suite struct ConfigurationFlagTests {
    static let offline = ["--config", "/nonexistent/config"]

    /// The `schema` object of the request `connection create --dry-run -o json` prints.
    private func dryRunSchema(_ flags: [String], stdin: String? = nil) async throws -> (schema: [String: Any], result: ProcessResult) {
        let result = try await DMSCtl.run(
            ["connection", "create", "pg", "--type", "postgres", "--dry-run", "-o", "json"] + flags + Self.offline, stdin: stdin)
        #expect(result.status == 0, "\(result.transcript)")
        let request = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
        let schema = try #require(request["schema"] as? [String: Any], "schema is a nested object: \(result.stdout)")
        return (schema, result)
    }

    @Test func setReadsJSONValuesAndTakesEverythingElseAsAString() async throws {
        let (schema, result) = try await dryRunSchema([
            "--set", "port=5432", "--set", "ssl=true", "--set", #"tables=["a","b"]"#, "--set", "nothing=null",
            "--set", #"nested={"k":1}"#, "--set", "host=db.internal", "--set", "word=12abc", "--set", #"quoted="5432""#,
            "--set", "empty=",
        ])
        #expect(schema["port"] as? Int == 5432)
        #expect(schema["ssl"] as? Bool == true)
        #expect(schema["tables"] as? [String] == ["a", "b"])
        #expect(schema["nothing"] is NSNull)
        #expect((schema["nested"] as? [String: Any])?["k"] as? Int == 1)
        #expect(schema["host"] as? String == "db.internal")
        #expect(schema["word"] as? String == "12abc")
        #expect(schema["quoted"] as? String == "5432")
        #expect(schema["empty"] as? String == "")
        #expect(result.stdout.contains(#""port":5432"#), "numbers stay numbers: \(result.stdout)")
    }

    @Test func setKeepsFractionsAsNumbersAndNumbersWithLeadingZerosAsStrings() async throws {
        let (schema, _) = try await dryRunSchema(["--set", "ratio=0.25", "--set", "zip=01234"])
        #expect(schema["ratio"] as? Double == 0.25)
        #expect(schema["zip"] as? String == "01234")
    }

    @Test func setRefusesAWholeNumberBeyond64BitsRatherThanTakingItAsAString() async throws {
        let result = try await DMSCtl.run(
            ["connection", "create", "pg", "--type", "postgres", "--dry-run", "--set", "id=98765432109876543210"] + Self.offline)
        #expect(result.status == 64, "\(result.transcript)")
        #expect(result.stderr.contains("--set id=…: the integer does not fit in 64 bits"), "\(result.stderr)")
        #expect(result.stderr.contains("--set-string"))
        #expect(!result.stderr.contains("98765432109876543210"), "the value is not echoed")
    }

    @Test func jsonOutputWritesObjectKeysSorted() async throws {
        let (_, result) = try await dryRunSchema(["--set", "port=5432", "--set", "host=db"])
        #expect(result.stdout == #"{"name":"pg","schema":{"host":"db","port":5432},"type":"postgres"}"# + "\n")
    }

    @Test func aSchemaFileThatIsNotJSONSaysWhereByLineAndColumn() async throws {
        let result = try await DMSCtl.run(
            ["connection", "create", "pg", "--type", "postgres", "--dry-run", "--schema-file", "-"] + Self.offline,
            stdin: "{\"host\": \"db\",\n \"port\": 5432,}")
        #expect(result.status == 64, "\(result.transcript)")
        #expect(result.stderr.contains("--schema-file (stdin): invalid JSON: line 2, column 15: unexpected '}'"), "\(result.stderr)")
    }

    @Test func setStringKeepsTheTextAsItIs() async throws {
        let (schema, _) = try await dryRunSchema(["--set-string", "zip=01234", "--set-string", "flag=true", "--set-string", "a=b=c"])
        #expect(schema["zip"] as? String == "01234")
        #expect(schema["flag"] as? String == "true")
        #expect(schema["a"] as? String == "b=c")
    }

    @Test func setAppliesOverTheSchemaFileAndUnsetRemoves() async throws {
        try await withTemporaryDirectory { directory in
            let file = "\(directory)/schema.yaml"
            try "host: db\nport: 5432\nsslmode: prefer\n".write(toFile: file, atomically: true, encoding: .utf8)
            let (schema, _) = try await dryRunSchema(["--schema-file", file, "--set", "port=6432", "--unset", "sslmode"])
            #expect(schema["host"] as? String == "db")
            #expect(schema["port"] as? Int == 6432)
            #expect(schema["sslmode"] == nil)
        }
    }

    @Test func theSchemaFileMayComeFromStdinAsJSON() async throws {
        let (schema, _) = try await dryRunSchema(["--schema-file", "-"], stdin: #"{"host": "db", "port": 5432}"#)
        #expect(schema["host"] as? String == "db")
        #expect(schema["port"] as? Int == 5432)
    }

    @Test func aSchemaFileThatIsNotAnObjectIsAUsageError() async throws {
        try await withTemporaryDirectory { directory in
            let file = "\(directory)/schema.yaml"
            try "- a\n- b\n".write(toFile: file, atomically: true, encoding: .utf8)
            let result = try await DMSCtl.run(
                ["connection", "create", "pg", "--type", "postgres", "--dry-run", "--schema-file", file] + Self.offline)
            #expect(result.status == 64, "\(result.transcript)")
            #expect(result.stderr.contains("--schema-file \(file): the file must hold an object"), "\(result.stderr)")
        }
    }

    @Test(arguments: ["password", "db_password", "apiKey", "api-key", "secret", "clientSecret", "token", "private_key", "credentials"])
    func aSecretIsNeverTakenFromSet(key: String) async throws {
        let value = "hunter2-\(key.count)"
        for flag in ["--set", "--set-string"] {
            let result = try await DMSCtl.run(
                ["connection", "create", "pg", "--type", "postgres", flag, "\(key)=\(value)"] + Self.offline)
            #expect(result.status == 64, "\(result.transcript)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("\"\(key)\" is a secret"), "\(result.stderr)")
            #expect(result.stderr.contains("--password-stdin") && result.stderr.contains("--prompt-secrets"))
            #expect(!result.stderr.contains(value), "the refused value must not be echoed")
        }
    }

    @Test(arguments: [
        ["source", "create", "s", "--connection", "pg", "--set", "password=x"],
        ["target", "update", "t", "--set", "token=x"],
        ["connection", "update", "pg", "--set", "password=x"],
        ["connection", "upgrade", "pg", "--set", "password=x"],
        ["job", "create", "j", "--source", "a", "--target", "b", "--set", "secret=x"],
    ])
    func everyCommandThatTakesSetRefusesSecrets(arguments: [String]) async throws {
        let result = try await DMSCtl.run(arguments + Self.offline)
        #expect(result.status == 64, "\(result.transcript)")
        #expect(result.stderr.contains("is a secret"), "\(result.stderr)")
    }

    @Test(arguments: ["primary_key", "key_columns", "partition_key", "tokenizer_mode"])
    func keysThatOnlyMentionKeyAreNotSecrets(key: String) async throws {
        let (schema, _) = try await dryRunSchema(["--set", "\(key)=id"])
        #expect(schema[key] as? String == "id")
    }

    @Test func passwordStdinDropsOneNewlineAndIsNeverPrinted() async throws {
        let password = "pw with spaces\t&$(x)"
        let (schema, result) = try await dryRunSchema(["--set", "user=dms", "--password-stdin"], stdin: password + "\n")
        #expect(schema["password"] as? String == "********")
        #expect(!result.stdout.contains(password) && !result.stderr.contains(password))
        #expect(!result.stdout.contains("pw with"))
    }

    @Test func passwordStdinWithAnEmptyStdinIsAUsageError() async throws {
        let result = try await DMSCtl.run(
            ["connection", "create", "pg", "--type", "postgres", "--password-stdin", "--dry-run"] + Self.offline, stdin: "")
        #expect(result.status == 64, "\(result.transcript)")
        #expect(result.stderr.contains("--password-stdin: stdin is empty"))
    }

    @Test func schemaFileFromStdinAndPasswordStdinCannotBothReadStdin() async throws {
        let result = try await DMSCtl.run(
            ["connection", "create", "pg", "--type", "postgres", "--schema-file", "-", "--password-stdin"] + Self.offline)
        #expect(result.status == 64, "\(result.transcript)")
        #expect(result.stderr.contains("both read stdin"))
    }

    @Test(arguments: [["--set", "novalue"], ["--set", "=value"], ["--set-string", "x"]])
    func aSetWithoutKeyEqualsValueIsAUsageError(flags: [String]) async throws {
        let result = try await DMSCtl.run(["connection", "create", "pg", "--type", "postgres", "--dry-run"] + flags + Self.offline)
        #expect(result.status == 64, "\(result.transcript)")
        #expect(result.stderr.contains("expects key=value"), "\(result.stderr)")
    }

    @Test(arguments: [
        ["connection", "update", "pg"], ["source", "update", "s"], ["namespace", "update", "ns"],
        ["source", "create", "s"], ["connection", "get"], ["connection", "get", "pg", "--id", "x"],
        ["source", "list", "--limit", "0"], ["token", "create", "t", "--role", "editor", "--ttl", "soon"],
        ["job", "create", "j", "--source", "a", "--target", "b", "--spark-conf", "novalue"],
    ])
    func badFlagCombinationsAreUsageErrors(arguments: [String]) async throws {
        let result = try await DMSCtl.run(arguments + Self.offline)
        #expect(result.status == 64, "\(result.transcript)")
        #expect(result.stdout.isEmpty)
    }
}
