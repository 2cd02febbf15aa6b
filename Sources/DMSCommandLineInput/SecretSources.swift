/// The ways a secret reaches a configuration object from the command line without appearing in
/// it: `--password-stdin` and `--prompt-secrets`.
public struct SecretSources: Sendable, Equatable {
    /// Read the password from stdin into the field `password`.
    public var passwordStdin: Bool
    /// Ask on the terminal for each secret field not given otherwise.
    public var promptSecrets: Bool

    /// The sources the two flags select.
    public init(passwordStdin: Bool = false, promptSecrets: Bool = false) {
        self.passwordStdin = passwordStdin
        self.promptSecrets = promptSecrets
    }

    /// Whether any secret is to be read.
    public var isEmpty: Bool { !passwordStdin && !promptSecrets }
}
