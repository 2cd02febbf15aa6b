import DMSClient
import Testing

@Suite struct ParseServerAddressTests {
    @Test(arguments: [
        ("localhost:7443", "localhost", 7443),
        ("db.example.com:9000", "db.example.com", 9000),
        ("127.0.0.1:1", "127.0.0.1", 1),
        ("127.0.0.1:65535", "127.0.0.1", 65535),
        ("[::1]:7443", "::1", 7443),
        ("[fe80::1%eth0]:8443", "fe80::1%eth0", 8443),
        ("[::1]", "::1", 7443),
        ("localhost", "localhost", 7443),
        ("dms://example.org:1234", "example.org", 1234),
        ("dms://example.org", "example.org", 7443),
    ])
    func acceptsHostPortBracketedIPv6AndBareHost(text: String, host: String, port: Int) throws {
        let address = try #require(parseServerAddress(text))
        #expect(address.host == host)
        #expect(address.port == port)
    }

    @Test func bareHostTakesTheGivenDefaultPort() throws {
        let address = try #require(parseServerAddress("localhost", defaultPort: 9999))
        #expect(address.port == 9999)
        #expect(try #require(parseServerAddress("[::1]", defaultPort: 9999)).port == 9999)
    }

    @Test(arguments: [
        "",
        "host:",
        "host:0",
        "host:65536",
        "host:70000",
        "host:-1",
        "host:abc",
        "host:80x",
        ":7443",
        "a:b:c",
        "::1",
        "[::1",
        "[::1]:",
        "[::1]x",
        "[::1]:0",
        "[::1]:99999",
        "dms://",
        "[]",
        "[]:7443",
    ])
    func refusesBadPortsAndMalformedAddresses(text: String) {
        #expect(parseServerAddress(text) == nil)
    }
}
