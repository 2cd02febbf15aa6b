import DMSCatalog
import Testing

@Suite struct ResourceNameTests {
    @Test(arguments: ["a", "pg", "orders-db", "pg2", "a-b-c", "x1-2-3", String(repeating: "a", count: 63), "a--b"])
    func acceptsGoodNames(name: String) {
        #expect(ResourceName.validate(name) == nil)
    }

    @Test(arguments: [
        ("", "must not be empty"),
        (String(repeating: "a", count: 64), "must be at most 63 characters long, got 64"),
        ("Orders", "may contain only a-z, 0-9 and '-', found 'O'"),
        ("orders_db", "may contain only a-z, 0-9 and '-', found '_'"),
        ("orders db", "may contain only a-z, 0-9 and '-', found U+0020"),
        ("ordérs", "may contain only a-z, 0-9 and '-', found U+00E9"),
        ("orders\n", "may contain only a-z, 0-9 and '-', found U+000A"),
        ("2pg", "must start with a letter (a-z)"),
        ("-pg", "must start with a letter (a-z)"),
        ("orders-", "must not end with '-'"),
        ("-", "must start with a letter (a-z)"),
    ])
    func refusesBadNamesWithAReason(name: String, reason: String) {
        #expect(ResourceName.validate(name) == reason)
    }

    @Test func builtInConnectorTypeNamesFollowTheRule() {
        for type in ConnectorCatalog.builtIn.types {
            #expect(ResourceName.validate(type.type) == nil)
        }
    }
}
