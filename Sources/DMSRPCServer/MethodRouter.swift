import DMSProto
import DMSWire
import Foundation
import SwiftProtobuf

/// The table from method name to handler.
///
/// Handlers are typed; the router turns them into closures over payload bytes. Methods of the
/// contract that are not built yet are registered as unimplemented so they answer
/// `UNIMPLEMENTED "… is not implemented yet"`, distinct from an unknown name.
public struct MethodRouter: Sendable {
    /// A handler with its types erased. A class: every call holds its route, and a reference
    /// costs one retain where the descriptor's strings and the closure cost several.
    final class Route: Sendable {
        let descriptor: MethodDescriptor
        /// Runs the call. Returns the unary response payload, or nil for a stream (whose items were sent).
        let run: @Sendable (_ payload: Data, _ context: CallContext, _ sink: FrameSink) async throws -> Data?

        init(
            descriptor: MethodDescriptor,
            run: @escaping @Sendable (_ payload: Data, _ context: CallContext, _ sink: FrameSink) async throws -> Data?
        ) {
            self.descriptor = descriptor
            self.run = run
        }
    }

    private(set) var routes: [String: Route] = [:]

    /// Creates an empty router.
    public init() {}

    /// The methods this router answers.
    public var methods: [MethodDescriptor] { routes.values.map(\.descriptor) }

    /// Serves `method` with `handler`.
    public mutating func register<Request, Response>(
        _ method: UnaryMethod<Request, Response>,
        _ handler: @escaping @Sendable (Request, CallContext) async throws -> Response
    ) {
        routes[method.descriptor.fullName] = Route(descriptor: method.descriptor) { payload, context, _ in
            let request = try Self.decode(Request.self, from: payload)
            return try await handler(request, context).serializedData()
        }
    }

    /// Serves the streaming `method` with `handler`, which writes items to the writer it is given.
    public mutating func register<Request, Response>(
        _ method: ServerStreamingMethod<Request, Response>,
        _ handler: @escaping @Sendable (Request, CallContext, ServerStreamWriter<Response>) async throws -> Void
    ) {
        routes[method.descriptor.fullName] = Route(descriptor: method.descriptor) { payload, context, sink in
            let request = try Self.decode(Request.self, from: payload)
            try await handler(request, context, ServerStreamWriter(callID: context.callID, sink: sink))
            return nil
        }
    }

    /// Answers each of `methods` that has no handler yet with `UNIMPLEMENTED`.
    public mutating func registerUnimplemented(_ methods: [MethodDescriptor]) {
        for method in methods where routes[method.fullName] == nil {
            routes[method.fullName] = Route(descriptor: method) { _, _, _ in
                throw RPCError(.unimplemented, "\(method.fullName) is not implemented yet")
            }
        }
    }

    func route(for name: String) -> Route? { routes[name] }

    private static func decode<M: SwiftProtobuf.Message>(_ type: M.Type, from payload: Data) throws -> M {
        do {
            return try M(serializedBytes: payload)
        } catch {
            throw RPCError(.invalidArgument, "payload is not a valid \(M.protoMessageName)")
        }
    }
}
