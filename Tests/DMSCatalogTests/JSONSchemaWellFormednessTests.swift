import DMSCatalog
import Testing

@Suite struct JSONSchemaWellFormednessTests {
    static func problems(_ schema: JSONValue, _ conventions: JSONSchema.Conventions = []) -> [String] {
        JSONSchema(schema).problems(conventions: conventions).map(\.description)
    }

    @Test func aSoundSchemaHasNoProblems() {
        let schema: JSONValue = [
            "type": "object",
            "properties": [
                "port": ["type": "integer", "minimum": 1, "maximum": 65535, "default": 5432, "description": "p"],
                "tags": ["type": "array", "items": ["type": "string"], "uniqueItems": true, "description": "t"],
            ],
            "required": ["port"],
            "oneOf": [["required": ["port"]], ["required": ["tags"]]],
            "additionalProperties": false,
        ]
        #expect(Self.problems(schema, .connectorSpecs) == [])
    }

    @Test func findsBrokenKeywords() {
        let schema: JSONValue = [
            "type": "object",
            "properties": [
                "a": ["type": "integr"],
                "b": ["pattern": "(unclosed"],
                "c": ["enum": []],
                "d": ["enum": [1, 1.0]],
                "e": ["minimum": 10, "maximum": 1],
                "f": ["minLength": -1],
                "g": ["type": "integer", "default": "5432"],
                "h": ["requried": ["x"]],
                "i": ["oneOf": []],
                "j": 5,
            ],
            "required": ["a", "zz"],
            "additionalProperties": false,
        ]
        #expect(Self.problems(schema) == [
            "properties.a.type: unknown type integr",
            "properties.b.pattern: is not a valid regular expression",
            "properties.c.enum: must be a non-empty array",
            "properties.d.enum: must not repeat a value",
            "properties.e.minimum: must not exceed maximum",
            "properties.f.minLength: must be a non-negative integer",
            "properties.g.default: is invalid: must be an integer, got string",
            "properties.h.requried: unknown keyword",
            "properties.i.oneOf: must be a non-empty array",
            "properties.j: must be a schema (an object or a boolean), got integer",
            "required: names zz, which is not in properties",
        ])
    }

    @Test func conventionsRequireDescriptionsAndExplicitAdditionalProperties() {
        let schema: JSONValue = [
            "type": "object",
            "properties": ["a": ["type": "string"], "m": ["type": "object", "description": "a map"]],
            "if": ["properties": ["a": ["const": "x"]]],
            "then": ["required": ["m"]],
        ]
        #expect(Self.problems(schema).isEmpty)
        #expect(Self.problems(schema, .connectorSpecs) == [
            "must say additionalProperties (false, or a schema for a map)",
            "properties.a: has no description",
            "properties.m: must say additionalProperties (false, or a schema for a map)",
        ])
    }
}
