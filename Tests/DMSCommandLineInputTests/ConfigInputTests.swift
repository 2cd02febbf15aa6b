import DMSCatalog
import DMSCommandLineInput
import DMSTestSupport
import Testing

/// `--set`, `--set-string`, `--unset`, configuration files and secret fields, without a process.
@Suite struct ConfigInputTests {
    @Test(arguments: [
        ("port=5432", "port", JSONValue.integer(5432)), ("tls=true", "tls", .bool(true)), ("host=db.internal", "host", .string("db.internal")),
        ("note=", "note", .string("")), ("tags=[\"a\",\"b\"]", "tags", .array(["a", "b"])), ("a.b=1", "a.b", .integer(1)),
        ("expr=x=y", "expr", .string("x=y")), ("quoted=\"5432\"", "quoted", .string("5432")), ("none=null", "none", .null),
    ])
    func setReadsJSONWhenItParsesAndAStringOtherwise(argument: String, key: String, value: JSONValue) throws {
        #expect(try ConfigAssignment.parse(argument) == ConfigAssignment(key: key, value: value))
    }

    @Test func setStringKeepsTheTextAsItIs() throws {
        #expect(try ConfigAssignment.parse("port=5432", forceString: true).value == .string("5432"))
        #expect(try ConfigAssignment.parse("big=98765432109876543210", forceString: true).value == .string("98765432109876543210"))
    }

    @Test(arguments: [
        ("novalue", "--set expects key=value (no '=' in the argument)"), ("=5", "--set expects key=value (the key is empty)"),
        ("big=98765432109876543210", "--set big=…: the integer does not fit in 64 bits; use --set-string to set it as a string"),
    ])
    func aMalformedSetIsRefusedWithoutRepeatingItsValue(argument: String, message: String) {
        do {
            _ = try ConfigAssignment.parse(argument)
            Issue.record("parsed \(argument)")
        } catch {
            #expect(error.description == message)
        }
    }

    @Test func changesApplySetsThenStringSetsThenRemovals() throws {
        let changes = ConfigChanges(values: ["port=1", "host=a"], stringValues: ["port=2"], removals: ["old"])
        let result = try changes.applied(to: ["old": true, "keep": "x"])
        #expect(result == ["port": "2", "host": "a", "keep": "x"])
    }

    @Test func aSecretInASetIsRefusedNamingTheKeyButNotTheValue() {
        let changes = ConfigChanges(values: ["host=db", "dbPassword=hunter2"])
        do {
            try changes.refuseSecrets(.byNameOnly)
            Issue.record("accepted")
        } catch {
            #expect(error.message.hasPrefix("--set dbPassword=…: \"dbPassword\" is a secret"), "\(error.message)")
            #expect(!error.message.contains("hunter2"))
        }
        #expect(throws: InputError.self) { try ConfigChanges(values: ["sslcert=x"]).refuseSecrets(SecretFields(declared: ["sslcert"])) }
        #expect(throws: Never.self) { try ConfigChanges(values: ["sslcert=x"]).refuseSecrets(.byNameOnly) }
    }

    @Test(arguments: [
        ("password", true), ("db_password", true), ("dbPassword", true), ("clientSecret", true), ("api-key", true), ("apiKey", true),
        ("private_key", true), ("key", true), ("access.token", true), ("credentials", true), ("passphrase", true),
        ("host", false), ("keyspace", false), ("primary_key", false), ("monkey", false), ("tokenizer", false), ("user", false),
    ])
    func secretLookingNamesAreSecretsEvenWithoutASpec(key: String, secret: Bool) {
        #expect(SecretFields.byNameOnly.contains(key) == secret)
    }

    @Test func aBuilderStartsFromTheFileThenAppliesTheChanges() async throws {
        try await withTemporaryDirectory { directory in
            let path = "\(directory)/schema.yaml"
            try "host: db\nport: 5432\nuser: dms\n".write(toFile: path, atomically: true, encoding: .utf8)
            let builder = ConfigurationBuilder(
                file: path, fileFlag: "--schema-file", changes: ConfigChanges(values: ["port=6432"], removals: ["user"]), secrets: nil)
            #expect(try builder.build(base: ["ignored": true], secretFields: .byNameOnly, promptable: []) == ["host": "db", "port": 6432])
            #expect(!builder.isEmpty)
            #expect(builder.wantsSpec)
        }
    }

    @Test func aBuilderNamesTheFileThatDoesNotReadOrParse() async throws {
        try await withTemporaryDirectory { directory in
            let missing = ConfigurationBuilder(file: "\(directory)/nope.json", fileFlag: "--conf-file", changes: .init(), secrets: nil)
            #expect(throws: InputError("--conf-file \(directory)/nope.json: cannot read the file")) {
                try missing.build(base: [:], secretFields: .byNameOnly, promptable: [])
            }
            let path = "\(directory)/list.yaml"
            try "- a\n".write(toFile: path, atomically: true, encoding: .utf8)
            let list = ConfigurationBuilder(file: path, fileFlag: "--conf-file", changes: .init(), secrets: nil)
            #expect(throws: InputError("--conf-file \(path): the file must hold an object (key: value pairs), not an array")) {
                try list.build(base: [:], secretFields: .byNameOnly, promptable: [])
            }
        }
    }

    @Test func stdinCannotHoldBothTheFileAndThePassword() {
        let both = ConfigurationBuilder(file: "-", fileFlag: "--schema-file", changes: .init(), secrets: .init(passwordStdin: true))
        #expect(both.conflict == "--schema-file - and --password-stdin both read stdin; use one of them")
        #expect(ConfigurationBuilder(file: "-", fileFlag: "--schema-file", changes: .init(), secrets: .init(promptSecrets: true)).conflict == nil)
        #expect(ConfigurationBuilder(file: nil, fileFlag: "--schema-file", changes: .init(), secrets: .init()).isEmpty)
    }

    @Test(arguments: [("3600", Int64(3600)), ("90s", 90), ("15m", 900), ("12h", 43_200), ("30d", 2_592_000)] as [(String, Int64?)])
    func lifetimesReadAsSeconds(text: String, seconds: Int64?) {
        #expect(TimeToLive.seconds(text) == seconds)
    }

    @Test(arguments: ["0", "-5", "5w", "d", "", "9223372036854775807d"])
    func aLifetimeThatIsNotAPositiveDurationIsRefused(text: String) {
        #expect(TimeToLive.seconds(text) == nil)
    }

    @Test func oneTrailingNewlineIsDroppedFromASecret() {
        #expect(StandardInput.droppingOneTrailingNewline("pw\n") == "pw")
        #expect(StandardInput.droppingOneTrailingNewline("pw\r\n") == "pw")
        #expect(StandardInput.droppingOneTrailingNewline("pw\n\n") == "pw\n")
        #expect(StandardInput.droppingOneTrailingNewline("p w") == "p w")
    }
}
