import DMSCatalog
import DMSStructuredText
import Testing

/// Reading one configuration object from JSON or YAML text, with errors that say where.
@Suite struct StructuredTextTests {
    @Test func jsonAndYAMLReadToTheSameValue() throws {
        let json = try StructuredText.parse(#"{"host": "db", "port": 5432, "tls": true, "tags": ["a"], "ratio": 0.5}"#)
        let yaml = try StructuredText.parse("host: db\nport: 5432\ntls: true\ntags: [a]\nratio: 0.5\n")
        #expect(json == yaml)
        #expect(json["port"] == .integer(5432))
    }

    @Test func aJSONSyntaxErrorSaysItsLineAndColumn() {
        #expect {
            try StructuredText.parse("{\n  \"host\": \"db\",\n  \"port\": }")
        } throws: { error in
            let text = (error as? StructuredText.ParseError)?.description ?? ""
            return text.hasPrefix("invalid JSON: line 3, column 11: ")
        }
    }

    @Test func aYAMLSyntaxErrorSaysItsLineAndColumnWithoutQuotingTheDocument() throws {
        let secret = "hunter2-secret"
        do {
            _ = try StructuredText.parse("host: db\npassword: \(secret)\n  bad: indentation: here\n")
            Issue.record("parsed")
        } catch {
            #expect(error.description.hasPrefix("invalid YAML: line "), "\(error.description)")
            #expect(!error.description.contains(secret), "Yams' snippet of the document is left out")
        }
    }

    @Test func aYAMLIntegerBeyond64BitsIsRefusedWithoutRepeatingIt() {
        do {
            _ = try StructuredText.parse("spec:\n  port: 98765432109876543210\n")
            Issue.record("parsed")
        } catch {
            #expect(error.description == "spec.port: the integer does not fit in 64 bits (quote it to keep it as a string)")
        }
    }

    @Test func yamlScalarsResolveAsTheCoreSchemaSays() throws {
        let value = try StructuredText.parse("a: null\nb: 'true'\nc: .inf\nd: 0x1F\ne: 1e3\nf: ~\n")
        #expect(value["a"] == .null)
        #expect(value["b"] == .string("true"))
        #expect(value["c"] == .string(".inf"), "infinities stay strings")
        #expect(value["d"] == .integer(31))
        #expect(value["e"] == .number(1000))
        #expect(value["f"] == .null)
    }

    @Test func anObjectIsRequiredWhereOneIsExpected() {
        do {
            _ = try StructuredText.parseObject("- a\n- b\n", what: "the file")
            Issue.record("parsed")
        } catch {
            #expect(error.description == "the file must hold an object (key: value pairs), not an array")
        }
    }

    @Test func textFromTheServerThatIsNotAnObjectReadsAsEmpty() {
        #expect(StructuredText.objectOrEmpty("").isEmpty)
        #expect(StructuredText.objectOrEmpty("[1]").isEmpty)
        #expect(StructuredText.objectOrEmpty(#"{"a":1}"#) == ["a": 1])
    }

    @Test(arguments: [
        ("98765432109876543210", true), ("-98765432109876543210", true), ("9223372036854775807", false), ("+1", false),
        ("0123456789012345678901", false), ("12a", false), ("", false),
    ])
    func oversizedIntegersAreTextThatReadsAsANumberBeyond64Bits(text: String, oversized: Bool) {
        #expect(JSONValue.isOversizedInteger(text) == oversized)
    }

    @Test func numbersAreEquivalentByValueAtAnyDepth() {
        #expect(JSONValue.integer(1).isEquivalent(to: .number(1.0)))
        #expect(JSONValue.object(["a": [1, 2.5]]).isEquivalent(to: .object(["a": [1.0, 2.5]])))
        #expect(!JSONValue.object(["a": 1]).isEquivalent(to: .object(["a": 1, "b": 2])))
        #expect(!JSONValue.string("1").isEquivalent(to: .integer(1)))
    }

    @Test func aConnectorSchemaGivesItsPropertiesRequiredNamesAndDefaults() {
        let schema = #"{"properties":{"port":{"default":5432},"host":{},"sslmode":{"default":"prefer"}},"required":["host"]}"#
        #expect(JSONSchemaText.propertyNames(schema) == ["host", "port", "sslmode"])
        #expect(JSONSchemaText.requiredNames(schema) == ["host"])
        #expect(JSONSchemaText.defaults(schema) == ["port": 5432, "sslmode": "prefer"])
        #expect(
            JSONSchemaText.removingDefaults(["host": "db", "port": 5432.0, "sslmode": "require"], defaults: JSONSchemaText.defaults(schema))
                == ["host": "db", "sslmode": "require"])
        #expect(JSONSchemaText.propertyNames("not json") == nil)
    }
}
