import DMSClient
import DMSCommandLineOutput
import DMSProto
import Testing

/// `-o json` and `-o yaml`: stable, with the JSON text fields of API messages as nested values.
@Suite struct StructuredOutputTests {
    static let connection = Dms_V1_Connection.with {
        $0.name = "pg-main"
        $0.version = 2
        $0.schema = #"{"port":5432,"host":"db.internal","password":"********"}"#
    }

    @Test func jsonShowsTheSchemaAsANestedObjectWithSortedKeys() throws {
        let text = try OutputPrinter(format: .json).render(Self.connection, table: { "unused" })
        #expect(text == #"{"name":"pg-main","schema":{"host":"db.internal","password":"********","port":5432},"version":2}"# + "\n")
    }

    @Test func yamlShowsTheSameContentInBlockStyle() throws {
        let text = try OutputPrinter(format: .yaml).render(Self.connection, table: { "unused" })
        #expect(text == "name: pg-main\nschema:\n  host: db.internal\n  password: '********'\n  port: 5432\nversion: 2\n")
    }

    @Test func tableRendersTheGivenText() throws {
        #expect(try OutputPrinter(format: .table).render(Self.connection, table: { "TABLE\n" }) == "TABLE\n")
    }

    @Test func embeddedJSONThatDoesNotParseStaysText() {
        #expect(EmbeddedJSON.expanding(#"{"schema":"{not json","name":"x"}"#) == #"{"name":"x","schema":"{not json"}"#)
        #expect(EmbeddedJSON.expanding(#"{"options":"5"}"#) == #"{"options":"5"}"#, "only objects and arrays are expanded")
        #expect(EmbeddedJSON.expanding(#"{"name":"{\"a\":1}"}"#) == #"{"name":"{\"a\":1}"}"#, "only the named fields")
        #expect(EmbeddedJSON.expanding(#"[{"conf":"{\"a\":1}"}]"#) == #"[{"conf":{"a":1}}]"#, "at any depth")
    }

    @Test(arguments: [
        (#"{"a":"0"}"#, "a: \"0\"\n"), (#"{"a":"true"}"#, "a: \"true\"\n"), (#"{"a":""}"#, "a: \"\"\n"), (#"{"a":"ünïcode"}"#, "a: ünïcode\n"),
        (#"{"a":[]}"#, "a: []\n"), (#"{"b":1,"a":2}"#, "b: 1\na: 2\n"),
    ])
    func yamlQuotesOnlyStringsThatWouldReadBackAsSomethingElse(json: String, yaml: String) throws {
        let rendered = try YAMLRendering.yaml(fromJSON: json)
        #expect(rendered == yaml, "\(rendered)")
    }

    @Test func printedConfigurationsNeverShowAUsableToken() {
        let file = ClientConfigFile(
            currentContext: "local",
            contexts: [
                .init(name: "local", server: "127.0.0.1:7443", token: "dms_0123456789abcdefghij"),
                .init(name: "short", server: "127.0.0.1:7443", token: "short"),
                .init(name: "none", server: "127.0.0.1:7443"),
            ])
        let tokens = file.redactingTokens().contexts.map(\.token)
        #expect(tokens == ["dms_012…(redacted)", "…(redacted)", nil])
    }
}
