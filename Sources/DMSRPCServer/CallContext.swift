import DMSWire
import Logging

/// What a handler knows about the call it serves.
public struct CallContext: Sendable {
    /// The call's id on its connection.
    public let callID: UInt64
    /// The method being called.
    public let method: MethodDescriptor
    /// The REQUEST frame's metadata, with the `authorization` entry removed.
    public var metadata: [String: String] {
        var metadata = requestMetadata
        metadata.removeValue(forKey: MetadataKey.authorization)
        return metadata
    }
    /// The REQUEST frame's metadata as it came (the bearer token included): kept whole because
    /// removing the token costs a copy of the dictionary on every call, and few handlers look.
    private let requestMetadata: [String: String]
    /// Who is calling.
    public let principal: Principal
    /// When the call's time budget runs out, if it has one.
    public let deadline: ContinuousClock.Instant?
    private let baseLogger: Logger

    /// Creates a context; the server does this for every call. `metadata` is the REQUEST's as it
    /// came: ``metadata`` and ``description`` leave its `authorization` entry out.
    public init(
        callID: UInt64, method: MethodDescriptor, metadata: [String: String], principal: Principal,
        deadline: ContinuousClock.Instant?, logger: Logger
    ) {
        self.callID = callID
        self.method = method
        self.requestMetadata = metadata
        self.principal = principal
        self.deadline = deadline
        self.baseLogger = logger
    }

    /// A logger carrying `rpc.method` and `rpc.call_id` (made on use: most calls never log).
    public var logger: Logger {
        var logger = baseLogger
        logger[metadataKey: "rpc.method"] = "\(method.fullName)"
        logger[metadataKey: "rpc.call_id"] = "\(callID)"
        return logger
    }

    /// The call's default namespace from its metadata, if it named one.
    public var namespace: String? { requestMetadata[MetadataKey.namespace].flatMap { $0.isEmpty ? nil : $0 } }
}

extension CallContext: CustomStringConvertible {
    /// The call, its metadata and caller, never the bearer token (the context keeps the
    /// REQUEST's metadata whole, so the default description would show it).
    public var description: String {
        "CallContext(call \(callID), \(method.fullName), metadata: \(metadata), principal: \(principal))"
    }
}

/// Decides who a caller is from the REQUEST metadata, before any handler runs.
public protocol CallAuthenticator: Sendable {
    /// Returns the caller of `method`, or throws an `RPCError` (`UNAUTHENTICATED`, …).
    func authenticate(method: MethodDescriptor, metadata: [String: String]) async throws -> Principal
}

/// Lets every call through as anonymous. For tests of the wire alone.
public struct AllowAllAuthenticator: CallAuthenticator {
    /// Creates the authenticator.
    public init() {}

    public func authenticate(method: MethodDescriptor, metadata: [String: String]) async throws -> Principal {
        .anonymous
    }
}
