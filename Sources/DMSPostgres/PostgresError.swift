import DMSWire

/// A failure reported by PostgreSQL or by libpq.
///
/// `description` carries the server's primary message and SQLSTATE but never the statement or its
/// parameters, so an error can be logged without leaking values.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The five-character SQLSTATE, or a DMS code starting with "DMS" for client-side failures.
        public let sqlState: String

        /// A code for `sqlState`.
        public init(_ sqlState: String) { self.sqlState = sqlState }

        /// 23505: a unique constraint refused the row.
        public static let uniqueViolation = Code("23505")
        /// 23503: a foreign key refused the change.
        public static let foreignKeyViolation = Code("23503")
        /// 23514: a check constraint refused the row.
        public static let checkViolation = Code("23514")
        /// 40001: the transaction must be retried.
        public static let serializationFailure = Code("40001")
        /// 40P01: the transaction was chosen as a deadlock victim; retry it.
        public static let deadlockDetected = Code("40P01")
        /// 57014: the statement was cancelled.
        public static let queryCanceled = Code("57014")
        /// The connection could not be made or was lost.
        public static let connectionFailure = Code("DMS01")
        /// The pool is closed.
        public static let poolClosed = Code("DMS02")
        /// A result did not have the expected shape (a column missing, a value not parseable).
        public static let unexpectedResult = Code("DMS03")

        /// True for failures that a retry of the whole transaction may cure.
        public var isTransient: Bool { self == .serializationFailure || self == .deadlockDetected }

        /// True when the server or the connection went away (class 08, 57P01–57P03, libpq failures).
        public var isConnectionLoss: Bool {
            self == .connectionFailure || sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
        }

        public var description: String { sqlState }
    }

    /// The SQLSTATE-based code.
    public var code: Code
    /// The server's (or libpq's) primary message.
    public var message: String
    /// The server's DETAIL, when it sent one (e.g. `Key (name)=(x) already exists.`).
    public var detail: String?
    /// The constraint that refused the change, for integrity violations.
    public var constraint: String?
    /// The table the error is about, when the server says.
    public var table: String?

    /// Creates an error.
    public init(code: Code, message: String, detail: String? = nil, constraint: String? = nil, table: String? = nil) {
        self.code = code
        self.message = message
        self.detail = detail
        self.constraint = constraint
        self.table = table
    }

    public var description: String { "PostgreSQL error \(code): \(message)" }
}

extension PostgresError: RPCErrorConvertible {
    /// The generic mapping, used when a repository did not translate the error into a message of
    /// its own: integrity violations become ALREADY_EXISTS / FAILED_PRECONDITION, lost connections
    /// UNAVAILABLE, exhausted retries ABORTED, anything else INTERNAL without the server's text.
    public var rpcError: RPCError {
        switch code {
        case .uniqueViolation: RPCError(.alreadyExists, "already exists" + (detail.map { ": \($0)" } ?? ""))
        case .foreignKeyViolation: RPCError(.failedPrecondition, "still referenced" + (detail.map { ": \($0)" } ?? ""))
        case .checkViolation: RPCError(.invalidArgument, "refused by the \(constraint ?? "a") constraint")
        case .serializationFailure, .deadlockDetected:
            RPCError(.aborted, "the change collided with a concurrent one too many times; retry it")
        case .queryCanceled: RPCError(.deadlineExceeded, "the database statement was cancelled")
        case .poolClosed: RPCError(.unavailable, "the metadata store is shutting down")
        case let code where code.isConnectionLoss: RPCError(.unavailable, "the metadata store is unreachable; retry shortly")
        default: RPCError(.internal, "metadata store error (SQLSTATE \(code))")
        }
    }
}
