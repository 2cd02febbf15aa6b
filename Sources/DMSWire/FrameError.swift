/// A violation of the framing rules, fatal for the connection it happened on.
public struct FrameError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Hashable, Sendable {
        /// The length prefix announced more than the limit allows.
        case frameTooLarge(length: Int, limit: Int)
        /// The body is not a valid `dms.v1.Frame`.
        case malformedFrame
    }

    /// What went wrong.
    public let kind: Kind

    /// Creates the error.
    public init(_ kind: Kind) { self.kind = kind }

    /// The status the peer is told before the connection closes.
    public var status: RPCError {
        switch kind {
        case .frameTooLarge(let length, let limit):
            RPCError(.resourceExhausted, "frame of \(length) bytes exceeds the limit of \(limit) bytes")
        case .malformedFrame:
            RPCError(.invalidArgument, "frame body is not a valid dms.v1.Frame")
        }
    }

    public var description: String { status.message }
}

/// Limits of the wire protocol and their defaults.
public enum WireLimits {
    /// The default largest frame body: 4 MiB.
    public static let defaultMaximumFrameBytes = 4 * 1024 * 1024
    /// The default cap on calls in flight on one connection.
    public static let defaultMaximumCallsPerConnection = 100
}
