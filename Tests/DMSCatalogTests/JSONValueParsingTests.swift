import DMSCatalog
import Testing

@Suite struct JSONValueParsingTests {
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONValue(parsing: #" {"a": null, "b": true, "c": false, "d": -12, "e": 2.5, "f": "x", "g": [1, {}], "h": {}} "#)
        #expect(
            value == .object([
                "a": .null, "b": .bool(true), "c": .bool(false), "d": .integer(-12), "e": .number(2.5),
                "f": .string("x"), "g": .array([.integer(1), .object([:])]), "h": .object([:]),
            ]))
    }

    @Test(arguments: [
        ("null", JSONValue.null), ("true", .bool(true)), ("0", .integer(0)), ("-0", .integer(0)),
        ("\"\"", .string("")), ("[]", .array([])), ("1e2", .number(100)), ("-0.5", .number(-0.5)),
    ])
    func anyValueMayBeTheTopLevel(text: String, expected: JSONValue) throws {
        #expect(try JSONValue(parsing: text) == expected)
    }

    @Test func keepsIntegersDoublesAndBooleansApart() throws {
        let values = try JSONValue(parsing: "[1, 1.0, true, 1E0, 10e-1]").arrayValue ?? []
        #expect(values == [.integer(1), .number(1), .bool(true), .number(1), .number(1)])
        #expect(values[0] != values[1])
        #expect(values[0] != values[2])
        #expect(values[0].integerValue == 1 && values[1].integerValue == nil && values[2].integerValue == nil)
        #expect(values[2].boolValue == true && values[0].boolValue == nil)
    }

    @Test func integersReachTheInt64Limits() throws {
        #expect(try JSONValue(parsing: "9223372036854775807") == .integer(.max))
        #expect(try JSONValue(parsing: "-9223372036854775808") == .integer(.min))
    }

    @Test(arguments: ["9223372036854775808", "-9223372036854775809", "123456789012345678901234567890"])
    func integersBeyondInt64AreRefusedNotRounded(text: String) {
        let error = #expect(throws: CatalogError.self) { try JSONValue(parsing: text) }
        #expect(error?.code == .malformedJSON)
        #expect(error?.offset == 0)
        #expect(error?.message.contains("does not fit in 64 bits") == true)
    }

    @Test func numbersOutOfDoubleRangeAreRefused() {
        let error = #expect(throws: CatalogError.self) { try JSONValue(parsing: "[1e400]") }
        #expect(error?.offset == 1)
        #expect(error?.message.contains("out of range") == true)
    }

    @Test func decodesEscapesUnicodeAndSurrogatePairs() throws {
        let value = try JSONValue(parsing: #""\"\\\/\b\f\n\r\t\u0041\u00e9\u20AC\ud83d\ude00 é😀""#)
        #expect(value == .string("\"\\/\u{08}\u{0C}\n\r\tAé€😀 é😀"))
    }

    @Test(arguments: [
        (#""\ud83d""#, "unpaired surrogate"),
        (#""\ud83dx""#, "unpaired surrogate"),
        (#""\ude00""#, "unpaired surrogate"),
        (#""\ud83d\u0041""#, "unpaired surrogate"),
        (#""\u12G4""#, "expected 4 hexadecimal digits"),
        (#""\x""#, "invalid escape sequence \\x"),
    ])
    func refusesBadEscapes(text: String, message: String) {
        let error = #expect(throws: CatalogError.self) { try JSONValue(parsing: text) }
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
    }

    @Test(arguments: [
        ("", 0, "unexpected end of input, expected a JSON value"),
        ("  ", 2, "unexpected end of input"),
        ("{\"a\" 1}", 5, "expected ':' after an object key"),
        ("{\"a\":1,}", 7, "expected a string key after ','"),
        ("{a:1}", 1, "expected a string key or '}'"),
        ("[1,2", 4, "expected ',' or ']'"),
        ("[1 2]", 3, "expected ',' or ']'"),
        ("{\"a\":1 \"b\":2}", 7, "expected ',' or '}'"),
        ("[1,]", 3, "expected a JSON value"),
        ("01", 0, "leading zeros"),
        ("1.", 2, "expected a digit after '.'"),
        ("1e", 2, "expected a digit in the exponent"),
        ("-", 1, "expected a digit"),
        ("+1", 0, "unexpected '+'"),
        ("tru", 0, "invalid literal"),
        ("True", 0, "unexpected 'T'"),
        ("NaN", 0, "unexpected 'N'"),
        ("\"abc", 0, "unterminated string"),
        ("\"a\tb\"", 2, "control character U+0009 must be escaped"),
        ("1 2", 2, "unexpected '2' after the JSON value"),
        ("{} x", 3, "after the JSON value"),
        ("[1] // note", 4, "unexpected '/'"),
        ("\u{FEFF}1", 0, "U+FEFF"),
    ])
    func malformedTextReportsWhereAndWhat(text: String, offset: Int, message: String) {
        let error = #expect(throws: CatalogError.self) { try JSONValue(parsing: text) }
        #expect(error?.code == .malformedJSON)
        #expect(error?.offset == offset, "\(String(describing: error))")
        #expect(error?.message.contains(message) == true, "\(String(describing: error))")
        #expect(error?.message.hasPrefix("at offset \(offset): ") == true)
    }

    @Test func offsetsCountCodePointsNotBytes() {
        // "é" and "😀" take 2 and 4 UTF-8 bytes but one code point each.
        let error = #expect(throws: CatalogError.self) { try JSONValue(parsing: #"["é", "😀", x]"#) }
        #expect(error?.offset == 11)
    }

    @Test func duplicateKeysAreRefusedWithTheKeyAndItsOffset() {
        let error = #expect(throws: CatalogError.self) { try JSONValue(parsing: #"{"port": 1, "host": "a", "port": 2}"#) }
        #expect(error?.code == .malformedJSON)
        #expect(error?.offset == 25)
        #expect(error?.message.contains(#"duplicate key "port""#) == true)
    }

    @Test func keysAreComparedAfterUnescaping() {
        #expect(throws: CatalogError.self) { try JSONValue(parsing: #"{"a": 1, "\u0061": 2}"#) }
        #expect(throws: CatalogError.self) { try JSONValue(parsing: #"{"x": {"a": 1, "a": 1}}"#) }
    }

    @Test func sameKeysInDifferentObjectsAreFine() throws {
        let value = try JSONValue(parsing: #"[{"a": 1}, {"a": 2}]"#)
        #expect(value[1]?["a"] == .integer(2))
    }

    @Test func deepNestingParsesUpToTheLimitAndIsRefusedBeyondIt() throws {
        let depth = JSONValue.defaultMaxDepth
        var value = try JSONValue(parsing: String(repeating: "[", count: depth) + "7" + String(repeating: "]", count: depth))
        for _ in 0..<depth { value = value[0]! }
        #expect(value == .integer(7))

        let tooDeep = String(repeating: "{\"k\":", count: depth + 1) + "1" + String(repeating: "}", count: depth + 1)
        let error = #expect(throws: CatalogError.self) { try JSONValue(parsing: tooDeep) }
        #expect(error?.message.contains("nest deeper than \(depth) levels") == true)
        #expect(error?.offset == 5 * depth)
    }

    @Test func hostileNestingFailsCleanlyInsteadOfOverflowingTheStack() {
        let text = String(repeating: "[", count: 1_000_000)
        #expect(throws: CatalogError.self) { try JSONValue(parsing: text) }
    }

    @Test func accessorsReadTheRightCases() throws {
        let value = try JSONValue(parsing: #"{"s": "x", "i": 3, "d": 0.5, "a": [true], "o": {"n": null}}"#)
        #expect(value["s"]?.stringValue == "x")
        #expect(value["i"]?.doubleValue == 3)
        #expect(value["d"]?.doubleValue == 0.5)
        #expect(value["a"]?[0]?.boolValue == true)
        #expect(value["a"]?[1] == nil)
        #expect(value["o"]?["n"]?.isNull == true)
        #expect(value["missing"] == nil)
        #expect(value["s"]?["x"] == nil)
        #expect(value.objectValue?.count == 5)
    }
}
