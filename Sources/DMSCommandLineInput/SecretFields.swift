/// Which configuration keys hold secrets: the connector spec's `secret_fields` when known, and
/// in any case every key whose name looks like one (password, secret, token, credential, API or
/// private key…), so that a secret is never taken from a command-line flag.
public struct SecretFields: Sendable {
    /// The spec's `secret_fields` (empty when the spec is unknown).
    public var declared: Set<String>

    /// Secret fields: `declared` ones, and every key whose name looks like a secret.
    public init(declared: Set<String>) {
        self.declared = declared
    }

    /// Only the look of the names; no spec.
    public static let byNameOnly = SecretFields(declared: [])

    /// Whether `key` holds a secret.
    public func contains(_ key: String) -> Bool {
        declared.contains(key) || Self.looksSecret(key)
    }

    private static let secretWords: Set<String> = [
        "password", "passwd", "pwd", "secret", "token", "credential", "credentials", "passphrase",
    ]
    /// Words that end in these (`dbpassword`, `clientsecret`, `apitoken`) are secret too.
    private static let gluedSuffixes = ["password", "passwd", "secret", "token"]
    private static let keyQualifiers: Set<String> = [
        "api", "access", "private", "secret", "auth", "encryption", "master", "signing", "client", "account", "sas",
    ]

    /// Whether the name of `key` says it is a secret: a word of it is password, secret, token…,
    /// or it ends in an API, access, private (…) key, or it is just `key`.
    public static func looksSecret(_ key: String) -> Bool {
        let words = self.words(of: key)
        if words.contains(where: secretWords.contains) { return true }
        if words == ["key"] { return true }
        if words.count >= 2, words.last == "key", keyQualifiers.contains(words[words.count - 2]) { return true }
        if let last = words.last, last.hasSuffix("key"), keyQualifiers.contains(String(last.dropLast(3))) { return true }
        return words.contains { word in gluedSuffixes.contains { word.hasSuffix($0) } }
    }

    /// The lower-cased words of a key written in snake, kebab, dotted or camel case.
    private static func words(of key: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousWasLower = false
        for character in key {
            if character == "_" || character == "-" || character == "." || character == " " {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousWasLower = false
                continue
            }
            if character.isUppercase, previousWasLower, !current.isEmpty {
                words.append(current)
                current = ""
            }
            current += character.lowercased()
            previousWasLower = character.isLowercase || character.isNumber
        }
        if !current.isEmpty { words.append(current) }
        return words
    }
}
