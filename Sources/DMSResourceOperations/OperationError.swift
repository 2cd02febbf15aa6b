/// A failure an operation diagnosed itself (as opposed to a refusal the server sent, which stays
/// an `RPCError`): a name that refers to nothing, a change someone else made first, a run that
/// ended badly. dmsctl turns its ``Code`` into an exit status.
public struct OperationError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure it is; extensible.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's name, for logs and tests.
        public let name: String

        /// A resource named on the command line or in a document does not exist.
        public static let notFound = Code(name: "notFound")
        /// What was asked cannot be done as asked (e.g. a stale revision, a connection's type change).
        public static let refused = Code(name: "refused")
        /// A followed run ended FAILED or CANCELLED.
        public static let runDidNotSucceed = Code(name: "runDidNotSucceed")
        /// Anything else (e.g. a server that repeats a page token).
        public static let failed = Code(name: "failed")

        /// The name.
        public var description: String { name }
    }

    /// What kind of failure.
    public var code: Code
    /// What went wrong, for people; one line.
    public var message: String
    /// The error that led to it, if any (e.g. the server's ABORTED).
    public var cause: (any Error)?

    /// A failure of `code` saying `message`, caused by `cause`.
    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    /// The message.
    public var description: String { message }
}
