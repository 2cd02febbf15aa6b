import DMSClient

extension ClientConfigFile {
    /// A copy safe to print: every token replaced by its first characters and `…(redacted)`.
    public func redactingTokens() -> ClientConfigFile {
        var copy = self
        for index in copy.contexts.indices {
            copy.contexts[index].token = copy.contexts[index].token.map(Self.redacted)
        }
        return copy
    }

    /// `dms_abc…(redacted)`: enough to tell tokens apart, too little to use one.
    public static func redacted(_ token: String) -> String {
        let visible = token.count >= 16 ? String(token.prefix(7)) : ""
        return visible + "…(redacted)"
    }
}
