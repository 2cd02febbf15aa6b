import DMSProto

/// The status a call ends with when it does not succeed, as it travels on the wire.
///
/// Messages are for people: they name the field and the reason and never carry a secret, SQL or a
/// stack trace. Anything a handler throws that is not an `RPCError` (or ``RPCErrorConvertible``)
/// leaves the server as `INTERNAL` with a generic message.
public struct RPCError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The status code; numbering is gRPC's.
    public typealias Code = Dms_V1_Status.Code

    /// One offending field of a request.
    public struct FieldViolation: Hashable, Sendable {
        /// JSON-style path, `"connection.name"`.
        public var field: String
        /// Why it was refused.
        public var description: String

        /// Creates a violation of `field`.
        public init(field: String, description: String) {
            self.field = field
            self.description = description
        }
    }

    /// The status code.
    public var code: Code
    /// A message for people.
    public var message: String
    /// Every offending field, for `INVALID_ARGUMENT`.
    public var violations: [FieldViolation]

    /// Creates an error with `code` and `message`.
    public init(_ code: Code, _ message: String, violations: [FieldViolation] = []) {
        self.code = code
        self.message = message
        self.violations = violations
    }

    /// An `INVALID_ARGUMENT` error listing `violations`; the message names every one.
    public static func invalidArgument(_ violations: [FieldViolation]) -> RPCError {
        let summary = violations.map { "\($0.field): \($0.description)" }.joined(separator: "; ")
        return RPCError(.invalidArgument, "invalid request: \(summary)", violations: violations)
    }

    /// Reads the error out of a wire status.
    public init(status: Dms_V1_Status) {
        self.init(
            status.code, status.message,
            violations: status.violations.map { FieldViolation(field: $0.field, description: $0.description_p) })
    }

    /// The wire form of this error.
    public var status: Dms_V1_Status {
        var status = Dms_V1_Status()
        status.code = code
        status.message = message
        status.violations = violations.map {
            var violation = Dms_V1_FieldViolation()
            violation.field = $0.field
            violation.description_p = $0.description
            return violation
        }
        return status
    }

    public var description: String { "\(code.name) (\(code.rawValue)): \(message)" }
}

/// A domain error that knows which wire status it is.
public protocol RPCErrorConvertible: Error {
    /// The status the caller sees.
    var rpcError: RPCError { get }
}

extension RPCError: RPCErrorConvertible {
    public var rpcError: RPCError { self }
}

extension Dms_V1_Status.Code {
    /// The upper-case name used in PROTOCOL.md, `"INVALID_ARGUMENT"`.
    public var name: String {
        switch self {
        case .ok: "OK"
        case .cancelled: "CANCELLED"
        case .unknown: "UNKNOWN"
        case .invalidArgument: "INVALID_ARGUMENT"
        case .deadlineExceeded: "DEADLINE_EXCEEDED"
        case .notFound: "NOT_FOUND"
        case .alreadyExists: "ALREADY_EXISTS"
        case .permissionDenied: "PERMISSION_DENIED"
        case .resourceExhausted: "RESOURCE_EXHAUSTED"
        case .failedPrecondition: "FAILED_PRECONDITION"
        case .aborted: "ABORTED"
        case .outOfRange: "OUT_OF_RANGE"
        case .unimplemented: "UNIMPLEMENTED"
        case .internal: "INTERNAL"
        case .unavailable: "UNAVAILABLE"
        case .dataLoss: "DATA_LOSS"
        case .unauthenticated: "UNAUTHENTICATED"
        case .UNRECOGNIZED(let value): "CODE_\(value)"
        }
    }
}
