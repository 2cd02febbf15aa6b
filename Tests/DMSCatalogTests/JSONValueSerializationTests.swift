import DMSCatalog
import Testing

@Suite struct JSONValueSerializationTests {
    @Test func writesCompactTextWithSortedKeys() {
        let value: JSONValue = ["port": 5432, "host": "db", "b": [true, false, nil], "a": ["z": 1, "y": 2.5]]
        #expect(value.serialized() == #"{"a":{"y":2.5,"z":1},"b":[true,false,null],"host":"db","port":5432}"#)
    }

    @Test func equalObjectsGiveEqualTextWhateverTheirInputOrder() throws {
        let one = try JSONValue(parsing: #"{"b": 1, "a": {"d": 2, "c": 3}}"#)
        let two = try JSONValue(parsing: #"{"a": {"c": 3, "d": 2}, "b": 1}"#)
        #expect(one.serialized() == two.serialized())
    }

    @Test func keysSortByCodePoint() {
        let value: JSONValue = ["b": 1, "B": 2, "é": 3, "a": 4, "_": 5]
        #expect(value.serialized() == #"{"B":2,"_":5,"a":4,"b":1,"é":3}"#)
    }

    @Test(arguments: [
        (JSONValue.integer(1), "1"), (.number(1), "1.0"), (.bool(true), "true"),
        (.integer(.max), "9223372036854775807"), (.integer(.min), "-9223372036854775808"),
        (.number(0.1), "0.1"), (.number(-2.5), "-2.5"), (.number(1e300), "1e+300"),
    ])
    func numbersKeepTheirKind(value: JSONValue, text: String) throws {
        #expect(value.serialized() == text)
        #expect(try JSONValue(parsing: text) == value)
    }

    @Test(arguments: [0.1, 1.0 / 3, 5e-324, 1.7976931348623157e308, 123456789.123456789, -0.0, 1e16, 2.2250738585072014e-308])
    func doublesRoundTripExactly(number: Double) throws {
        let text = JSONValue.number(number).serialized()
        let back = try JSONValue(parsing: text)
        guard case .number(let parsed) = back else {
            Issue.record("\(text) parsed as \(back)")
            return
        }
        #expect(parsed.bitPattern == number.bitPattern || (parsed == 0 && number == 0), "\(text)")
    }

    @Test func nonFiniteNumbersBecomeNull() {
        #expect(JSONValue.array([.number(.nan), .number(.infinity)]).serialized() == "[null,null]")
    }

    @Test func escapesQuotesBackslashesAndControlCharacters() {
        let value = JSONValue.string("a\"b\\c\n\r\t\u{08}\u{0C}\u{01}\u{1F}/é😀\u{7F}")
        #expect(value.serialized() == #""a\"b\\c\n\r\t\b\f\u0001\u001f/é😀"# + "\u{7F}\"")
    }

    @Test func everyStringRoundTrips() throws {
        let strings = ["", "plain", "quote \" backslash \\", "\u{00}\u{1F}", "emoji 😀 and é, e\u{301}", "\u{2028}\u{FFFF}"]
        for string in strings {
            #expect(try JSONValue(parsing: JSONValue.string(string).serialized()) == .string(string))
        }
    }

    @Test func parseThenSerializeIsStable() throws {
        let text = #"{"a":[1,2.5,"x",null,true,{"k":[]}],"b":{},"c":-0.001}"#
        let value = try JSONValue(parsing: text)
        #expect(value.serialized() == text)
        #expect(try JSONValue(parsing: value.serialized()) == value)
        #expect(value.description == text)
    }
}
