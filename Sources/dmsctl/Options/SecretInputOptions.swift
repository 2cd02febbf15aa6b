import ArgumentParser
import DMSCommandLineInput

/// `--password-stdin` and `--prompt-secrets`: the two ways a secret reaches a configuration
/// object from the command line without appearing in it.
struct SecretInputOptions: ParsableArguments, Sendable {
    @Flag(help: "Read the password from stdin (one trailing newline dropped) into the field `password`.")
    var passwordStdin = false

    @Flag(help: "Ask on the terminal (echo off) for each secret field of the connector's spec not given otherwise.")
    var promptSecrets = false

    /// The sources the flags select.
    var sources: SecretSources { SecretSources(passwordStdin: passwordStdin, promptSecrets: promptSecrets) }
}
