import DMSAuth
import Testing

@Suite struct AccessTokenTests {
    static let urlSafeAlphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    @Test func generatedTokenIsPrefixAnd43URLSafeBase64Characters() {
        for _ in 0..<200 {
            let token = AccessToken.generate()
            #expect(token.hasPrefix("dms_"))
            let body = token.dropFirst(4)
            #expect(body.count == 43, "\(token)")
            #expect(body.allSatisfy(Self.urlSafeAlphabet.contains), "\(token)")
            #expect(AccessToken.isWellFormed(token))
        }
    }

    @Test func generatedTokensAreUnique() {
        let tokens = (0..<5000).map { _ in AccessToken.generate() }
        #expect(Set(tokens).count == tokens.count)
    }

    @Test func generatedTokensUseTheWholeAlphabet() {
        // 32 random bytes per token: over 500 tokens every one of the 64 characters turns up,
        // which would not happen if '-' and '_' were never produced (plain base64) or bytes repeated.
        let seen = Set((0..<500).flatMap { _ in AccessToken.generate().dropFirst(4) })
        #expect(seen == Self.urlSafeAlphabet)
    }

    static let body43 = String(repeating: "a", count: 43)

    @Test(arguments: [
        ("dms_" + body43, true),
        ("dms_" + String(repeating: "Z9-_", count: 10) + "abc", true),
        ("dms_" + String(repeating: "a", count: 42), false),
        ("dms_" + String(repeating: "a", count: 44), false),
        ("DMS_" + body43, false),
        ("dmx_" + body43, false),
        (body43 + "aaaa", false),
        ("dms_" + String(repeating: "a", count: 42) + "+", false),
        ("dms_" + String(repeating: "a", count: 42) + "/", false),
        ("dms_" + String(repeating: "a", count: 42) + "=", false),
        ("dms_" + String(repeating: "a", count: 42) + " ", false),
        ("dms_" + String(repeating: "a", count: 42) + "é", false),
        ("dms_", false),
        ("", false),
    ])
    func wellFormedAcceptsOnlyPrefixAnd43URLSafeCharacters(text: String, expected: Bool) {
        #expect(AccessToken.isWellFormed(text) == expected)
    }

    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    ])
    func digestIsLowerCaseHexSHA256(input: String, expected: String) {
        #expect(AccessToken.digest(input) == expected)
    }

    @Test func tokenHashIsTheDigestAndTellsTokensApart() throws {
        let token = AccessToken.generate()
        let hash = TokenHash(token: token)
        #expect(hash.hex == AccessToken.digest(token))
        #expect(TokenHash(token: token) == hash)
        #expect(TokenHash(token: AccessToken.generate()) != hash)
        // The well-known vector: SHA-256("abc").
        #expect(TokenHash(token: "abc").hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func digestOfATokenIs64HexCharactersAndDiffersPerToken() {
        let token = AccessToken.generate()
        let digest = AccessToken.digest(token)
        #expect(digest.count == 64)
        #expect(digest.allSatisfy { "0123456789abcdef".contains($0) })
        #expect(!digest.contains(token))
        #expect(digest != AccessToken.digest(AccessToken.generate()))
    }

    @Test(arguments: [
        ("abc", "abc", true),
        ("", "", true),
        ("abc", "abd", false),
        ("abc", "ab", false),
        ("ab", "abc", false),
        ("abc", "Abc", false),
        ("é", "e\u{301}", false),  // compared as bytes, not as equal Unicode strings
    ])
    func constantTimeEqualsComparesBytes(a: String, b: String, expected: Bool) {
        #expect(AccessToken.constantTimeEquals(a, b) == expected)
    }

    @Test(arguments: [
        ("Bearer dms_abc", "dms_abc"),
        ("bearer dms_abc", "dms_abc"),
        ("BEARER dms_abc", "dms_abc"),
        ("Bearer   dms_abc  ", "dms_abc"),
        ("Basic dms_abc", nil),
        ("Bearer", nil),
        ("Bearer ", nil),
        ("Bearer    ", nil),
        ("dms_abc", nil),
        ("", nil),
    ] as [(String, String?)])
    func fromAuthorizationReadsOnlyBearerTokens(value: String, expected: String?) {
        #expect(AccessToken.fromAuthorization(value) == expected)
    }

    @Test func credentialTellsAMissingTokenFromAMalformedOneAndHashesAGoodOne() {
        let token = AccessToken.generate()
        #expect(AccessToken.credential(fromAuthorization: "Bearer \(token)") == .token(TokenHash(token: token)))
        #expect(AccessToken.credential(fromAuthorization: "bearer \t\(token) ") == .token(TokenHash(token: token)))
        #expect(AccessToken.credential(fromAuthorization: nil) == .missing)
        #expect(AccessToken.credential(fromAuthorization: "") == .missing)
        #expect(AccessToken.credential(fromAuthorization: "Basic \(token)") == .missing)
        #expect(AccessToken.credential(fromAuthorization: "Bearer\t\(token)") == .missing)
        #expect(AccessToken.credential(fromAuthorization: "Bearer   ") == .missing)
        #expect(AccessToken.credential(fromAuthorization: "Bearer \(token.dropLast())") == .malformed)
        #expect(AccessToken.credential(fromAuthorization: "Bearer \(token)x") == .malformed)
        #expect(AccessToken.credential(fromAuthorization: "Bearer x\(token.dropFirst())") == .malformed)
        #expect(AccessToken.credential(fromAuthorization: "Bearer \(token.dropLast())!") == .malformed)
    }

    @Test func fromAuthorizationOfNoValueIsNil() {
        #expect(AccessToken.fromAuthorization(nil) == nil)
    }

    @Test func displayPrefixShowsOnlyTheFirstSixCharactersAfterThePrefix() {
        let token = AccessToken.generate()
        #expect(AccessToken.displayPrefix(token) == String(token.prefix(10)))
    }
}
