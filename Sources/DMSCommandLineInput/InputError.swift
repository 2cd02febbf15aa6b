/// Input that dmsctl cannot use as given: a `--set` that is not `key=value` or names a secret, a
/// file that does not read or parse, an empty stdin, no terminal to prompt on. Nothing was sent;
/// dmsctl reports it as a usage error (exit status 64).
public struct InputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, for people; one line that never repeats a secret.
    public var message: String

    /// An error saying `message`.
    public init(_ message: String) {
        self.message = message
    }

    /// The message.
    public var description: String { message }
}
