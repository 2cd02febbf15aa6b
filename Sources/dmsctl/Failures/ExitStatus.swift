import DMSResourceOperations
import DMSWire
import Foundation

/// dmsctl's exit statuses: stable, documented in `dmsctl --help`, and chosen in this one place.
enum ExitStatus: Int32, CaseIterable, Sendable {
    /// The command did what was asked.
    case success = 0
    /// Any failure not listed below.
    case failure = 1
    /// The named resource does not exist (`NOT_FOUND`).
    case notFound = 2
    /// The server refused the request as asked (`INVALID_ARGUMENT`, `FAILED_PRECONDITION`,
    /// `ALREADY_EXISTS`, `ABORTED`, `OUT_OF_RANGE`).
    case refused = 3
    /// No valid token, or the token may not do this (`UNAUTHENTICATED`, `PERMISSION_DENIED`).
    case denied = 4
    /// The server could not be reached or answered in time: connection or TLS failure,
    /// `UNAVAILABLE`, `DEADLINE_EXCEEDED`.
    case unreachable = 5
    /// A run that `job run --wait` or `run watch` followed ended FAILED or CANCELLED.
    case runDidNotSucceed = 6
    /// `connection test` reached the server, but the connection's store could not be reached or
    /// refused the login (the printed outcome says why).
    case connectionTestFailed = 7
    /// The command line was wrong (ArgumentParser's `EX_USAGE`), or the input it names was: a
    /// `-f` document or a `--schema-file` that does not read or check. Nothing was sent.
    case usage = 64

    /// The status for a call that ended with `code`.
    init(_ code: RPCError.Code) {
        switch code {
        case .ok: self = .success
        case .notFound: self = .notFound
        case .invalidArgument, .failedPrecondition, .alreadyExists, .aborted, .outOfRange: self = .refused
        case .unauthenticated, .permissionDenied: self = .denied
        case .unavailable, .deadlineExceeded: self = .unreachable
        default: self = .failure
        }
    }

    /// The status for an operation that failed with `code`.
    init(_ code: OperationError.Code) {
        switch code {
        case .notFound: self = .notFound
        case .refused: self = .refused
        case .runDidNotSucceed: self = .runDidNotSucceed
        default: self = .failure
        }
    }

    /// What the status means, for `--help`.
    var meaning: String {
        switch self {
        case .success: "success"
        case .failure: "any other error"
        case .notFound: "not found (NOT_FOUND)"
        case .refused:
            "request refused (INVALID_ARGUMENT, FAILED_PRECONDITION,\n      ALREADY_EXISTS, ABORTED, OUT_OF_RANGE)"
        case .denied: "not authenticated or not allowed (UNAUTHENTICATED, PERMISSION_DENIED)"
        case .unreachable: "server unreachable, TLS failure, UNAVAILABLE or DEADLINE_EXCEEDED"
        case .runDidNotSucceed: "the run followed with --wait (or run watch RUN) ended FAILED or CANCELLED"
        case .connectionTestFailed: "connection test: the store was not reached or refused the login"
        case .usage: "usage error (bad flags or arguments, or -f documents or --schema-file\n      that do not check); nothing was sent"
        }
    }

    /// The exit-status table shown in the root command's help.
    static var documentation: String {
        let lines = allCases.map { "  \(String($0.rawValue).padding(toLength: 4, withPad: " ", startingAt: 0))\($0.meaning)" }
        return (["Exit codes:"] + lines).joined(separator: "\n")
    }

    /// Ends the process with this status.
    static func exit(_ status: ExitStatus) -> Never {
        Foundation.exit(status.rawValue)
    }
}
