import DMSCatalog
import Testing

@Suite struct JSONSchemaCombinatorTests {
    static func check(_ value: JSONValue, _ schema: JSONValue) -> [String] {
        JSONSchema.validate(value, against: schema).map(\.description)
    }

    static let exactlyOneSource: JSONValue = [
        "oneOf": [["required": ["table"]], ["required": ["tables"]], ["required": ["query"]]],
    ]

    @Test func oneOfOfRequiredFieldsSaysWhichToSet() {
        #expect(Self.check(["table": "t"], Self.exactlyOneSource).isEmpty)
        #expect(Self.check([:], Self.exactlyOneSource) == ["must set exactly one of: table, tables, query"])
        #expect(Self.check(["table": "t", "query": "q"], Self.exactlyOneSource) == [
            "table, query cannot be set together; set exactly one of: table, tables, query",
        ])
    }

    @Test func anyOfOfRequiredFieldsSaysAtLeastOne() {
        let schema: JSONValue = ["anyOf": [["required": ["a"]], ["required": ["b", "c"]]]]
        #expect(Self.check(["a": 1, "b": 1, "c": 1], schema).isEmpty)
        #expect(Self.check(["b": 1], schema) == ["must set at least one of: a, b and c"])
    }

    @Test func titledBranchesAreNamed() {
        let schema: JSONValue = ["oneOf": [["title": "a port number", "type": "integer"], ["title": "a service name", "type": "string"]]]
        #expect(Self.check(8080, schema).isEmpty)
        #expect(Self.check(true, schema) == ["must match exactly one of: a port number, a service name"])
        let overlapping: JSONValue = ["oneOf": [["title": "small", "maximum": 10], ["title": "even", "enum": [2, 4, 20]]]]
        #expect(Self.check(4, overlapping) == ["must match exactly one allowed form, matched small and even"])
    }

    @Test func untitledBranchesReportTheClosestMismatchAtTheRightPath() {
        let schema: JSONValue = [
            "anyOf": [
                ["properties": ["port": ["type": "integer"]], "required": ["port"]],
                ["properties": ["socket": ["type": "string"]], "required": ["socket", "dir"]],
            ],
        ]
        #expect(Self.check(["port": "x"], schema) == [
            "must match at least one of the allowed forms; closest: port: must be an integer, got string",
        ])
    }

    @Test func oneMatchOfOneOfIsValidAndTwoAreNot() {
        let schema: JSONValue = ["oneOf": [["type": "integer"], ["type": "number"]]]
        #expect(Self.check(1.5, schema).isEmpty)
        #expect(Self.check(1, schema) == ["must match exactly one allowed form, matched form 1 and form 2"])
    }

    @Test func notOfRequiredFieldsSaysTheyCannotGoTogether() {
        let schema: JSONValue = ["not": ["required": ["driver_jar", "driver_coordinates"]]]
        #expect(Self.check(["driver_jar": "x"], schema).isEmpty)
        #expect(Self.check(["driver_jar": "x", "driver_coordinates": "g:a:v"], schema) == [
            "driver_jar and driver_coordinates cannot be set together",
        ])
        #expect(Self.check(["legacy": 1], ["not": ["required": ["legacy"]]]) == ["legacy: must not be set"])
        #expect(Self.check("x", ["not": ["type": "string"]]) == ["must not match the excluded form"])
    }

    static let upsertNeedsKeys: JSONValue = [
        "if": ["properties": ["mode": ["const": "upsert"]], "required": ["mode"]],
        "then": ["required": ["key_columns"]],
        "else": ["not": ["required": ["key_columns"]]],
    ]

    @Test func ifThenElseAppliesTheBranchTheConditionPicks() {
        #expect(Self.check(["mode": "upsert"], Self.upsertNeedsKeys) == ["key_columns: required field is missing (when mode is upsert)"])
        #expect(Self.check(["mode": "upsert", "key_columns": ["id"]], Self.upsertNeedsKeys).isEmpty)
        #expect(Self.check(["mode": "append"], Self.upsertNeedsKeys).isEmpty)
        #expect(Self.check([:], Self.upsertNeedsKeys).isEmpty)
        #expect(Self.check(["mode": "append", "key_columns": ["id"]], Self.upsertNeedsKeys) == ["key_columns: must not be set"])
    }

    @Test func allOfReportsEveryBranchesViolations() {
        let schema: JSONValue = ["allOf": [["required": ["a"]], ["required": ["b"]], ["properties": ["c": ["type": "string"]]]]]
        #expect(Self.check(["c": 1], schema) == ["a: required field is missing", "b: required field is missing", "c: must be a string, got integer"])
    }

    @Test func combinatorsInsideArraysReportElementPaths() {
        let schema: JSONValue = ["items": Self.exactlyOneSource]
        #expect(Self.check([["table": "a"], [:]], schema) == ["[1]: must set exactly one of: table, tables, query"])
    }
}
