import SwiftProtobuf

/// How a method answers: once, or with a stream of items.
public enum MethodKind: String, Sendable, Hashable {
    /// One request, one response (carried by the call's END frame).
    case unary
    /// One request, then any number of MESSAGE frames and one END frame.
    case serverStreaming
}

/// The untyped identity of one RPC method of the contract.
public struct MethodDescriptor: Sendable, Hashable, CustomStringConvertible {
    /// The wire name, `"dms.v1.HealthService/Health"`.
    public let fullName: String
    /// Unary or server streaming.
    public let kind: MethodKind
    /// The full protobuf name of the request message, `"dms.v1.HealthRequest"`.
    public let requestTypeName: String
    /// The full protobuf name of the response (or stream item) message.
    public let responseTypeName: String

    /// Creates a descriptor; normally only the generated catalog does.
    public init(fullName: String, kind: MethodKind, requestTypeName: String, responseTypeName: String) {
        self.fullName = fullName
        self.kind = kind
        self.requestTypeName = requestTypeName
        self.responseTypeName = responseTypeName
    }

    /// The service part of the name, `"dms.v1.HealthService"`.
    public var serviceName: String { String(fullName.prefix { $0 != "/" }) }

    /// The method part of the name, `"Health"`.
    public var methodName: String {
        guard let slash = fullName.firstIndex(of: "/") else { return fullName }
        return String(fullName[fullName.index(after: slash)...])
    }

    public var description: String { fullName }
}

/// A unary method with its request and response types.
public struct UnaryMethod<Request: SwiftProtobuf.Message & Sendable, Response: SwiftProtobuf.Message & Sendable>: Sendable {
    /// The method's identity on the wire.
    public let descriptor: MethodDescriptor

    /// Creates the typed method `fullName`; the message names come from the types.
    public init(_ fullName: String) {
        descriptor = MethodDescriptor(
            fullName: fullName, kind: .unary,
            requestTypeName: Request.protoMessageName, responseTypeName: Response.protoMessageName)
    }
}

/// A server-streaming method with its request and stream item types.
public struct ServerStreamingMethod<Request: SwiftProtobuf.Message & Sendable, Response: SwiftProtobuf.Message & Sendable>: Sendable {
    /// The method's identity on the wire.
    public let descriptor: MethodDescriptor

    /// Creates the typed method `fullName`; the message names come from the types.
    public init(_ fullName: String) {
        descriptor = MethodDescriptor(
            fullName: fullName, kind: .serverStreaming,
            requestTypeName: Request.protoMessageName, responseTypeName: Response.protoMessageName)
    }
}
