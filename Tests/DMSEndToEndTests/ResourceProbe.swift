import DMSAPI
import DMSClient
import DMSProto
import DMSWire
import Foundation
import SwiftProtobuf
import Testing

/// What one call came to, in a form two answers can be compared in: the namespaces of the items a
/// success returned, or the status of a failure with every id in its message written `<id>` (so
/// that "no source with id 1…" about a real resource equals the same answer about a made-up id).
enum ResourceCallOutcome: Equatable, Sendable, CustomStringConvertible {
    /// The call succeeded; the namespace of every resource (or namespace name) it returned.
    case succeeded(namespaces: [String])
    /// The call failed.
    case failed(code: RPCError.Code, message: String, fields: [String])

    init(_ error: any Error) {
        guard let error = error as? RPCError else {
            self = .failed(code: .unknown, message: "not an RPCError: \(error)", fields: [])
            return
        }
        let message = error.message.replacing(/[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}/, with: "<id>")
        self = .failed(code: error.code, message: message, fields: error.violations.map(\.field))
    }

    /// The status code; OK for a success.
    var code: RPCError.Code {
        switch self {
        case .succeeded: .ok
        case .failed(let code, _, _): code
        }
    }

    var description: String {
        switch self {
        case .succeeded(let namespaces): "OK with items of \(namespaces)"
        case .failed(let code, let message, _): "\(code.name): \(message)"
        }
    }
}

/// One call of one method, built from the resources it is aimed at (real ones, or look-alikes
/// with made-up ids) and, for calls that refer to them from the caller's side, the caller's own
/// resources; made with whatever token the client carries.
struct ResourceProbe: Sendable {
    /// What the call aims at, e.g. "the source by id".
    let label: String
    let call: @Sendable (RPCClient, _ target: ResourceSet, _ own: ResourceSet) async -> ResourceCallOutcome

    /// A unary call; `items` gives the namespaces of what a success returned. With
    /// `inDefaultNamespace` the call carries the target's namespace as its default namespace
    /// (metadata "namespace"), for requests that leave their own namespace field empty.
    static func unary<Request, Response>(
        _ label: String, _ method: UnaryMethod<Request, Response>, inDefaultNamespace: Bool = false,
        items: @escaping @Sendable (Response) -> [String] = { _ in [] },
        _ request: @escaping @Sendable (_ target: ResourceSet) -> Request
    ) -> ResourceProbe {
        unary(label, method, inDefaultNamespace: inDefaultNamespace, items: items) { target, _ in request(target) }
    }

    /// A unary call whose request also refers to the caller's own resources.
    static func unary<Request, Response>(
        _ label: String, _ method: UnaryMethod<Request, Response>, inDefaultNamespace: Bool = false,
        items: @escaping @Sendable (Response) -> [String] = { _ in [] },
        _ request: @escaping @Sendable (_ target: ResourceSet, _ own: ResourceSet) -> Request
    ) -> ResourceProbe {
        ResourceProbe(label: label) { client, target, own in
            let metadata = inDefaultNamespace ? [MetadataKey.namespace: target.name] : [:]
            do {
                let response = try await client.unary(
                    method, request(target, own), options: .init(timeout: .seconds(30), metadata: metadata))
                return .succeeded(namespaces: items(response))
            } catch {
                return ResourceCallOutcome(error)
            }
        }
    }

    /// A server-streaming call, read to its end. With `openEnded` the stream is expected to stay
    /// open (a watch): it is read until `openEnded` passes, and DEADLINE_EXCEEDED then counts as a
    /// success with the items seen so far.
    static func streaming<Request, Response>(
        _ label: String, _ method: ServerStreamingMethod<Request, Response>, openEnded: Duration? = nil,
        items: @escaping @Sendable (Response) -> [String] = { _ in [] },
        _ request: @escaping @Sendable (ResourceSet) -> Request
    ) -> ResourceProbe {
        ResourceProbe(label: label) { client, resources, _ in
            var seen: [String] = []
            do {
                let call = try client.serverStreaming(method, request(resources), options: .init(timeout: openEnded ?? .seconds(30)))
                for try await item in call { seen += items(item) }
                return .succeeded(namespaces: seen)
            } catch let error as RPCError where openEnded != nil && error.code == .deadlineExceeded {
                return .succeeded(namespaces: seen)
            } catch {
                return ResourceCallOutcome(error)
            }
        }
    }
}

/// The answer a caller must get from a probe.
enum ResourceExpectation: Sendable, CustomStringConvertible {
    /// PERMISSION_DENIED: the request names a namespace the token does not cover, or needs a role
    /// the token does not have.
    case permissionDenied
    /// NOT_FOUND: the request aims by id at a resource the token may not see.
    case notFound
    /// PERMISSION_DENIED or NOT_FOUND (a resource that exists nowhere, e.g. a run).
    case refused
    /// A create in the caller's own namespace referring to a resource it may not see: refused as
    /// a reference to nothing is, NOT_FOUND (as the proto says of `connection_id`).
    case missingReference
    /// As ``missingReference`` where the proto names no code: NOT_FOUND, or INVALID_ARGUMENT naming
    /// exactly `fields`.
    case unresolvedReference(fields: [String])
    /// Success with at least one item, every one of the caller's namespace.
    case ownItems
    /// Success; any item returned is of the caller's namespace.
    case noForeignItems
    /// Success (methods that are not namespaced).
    case succeeds
    /// UNAUTHENTICATED.
    case unauthenticated

    /// Whether `outcome` is this answer, for a caller limited to `namespace`.
    func accepts(_ outcome: ResourceCallOutcome, namespace: String) -> Bool {
        switch (self, outcome) {
        case (.permissionDenied, .failed(.permissionDenied, _, _)), (.notFound, .failed(.notFound, _, _)),
            (.refused, .failed(.permissionDenied, _, _)), (.refused, .failed(.notFound, _, _)),
            (.missingReference, .failed(.notFound, _, _)), (.succeeds, .succeeded),
            (.unauthenticated, .failed(.unauthenticated, _, _)):
            return true
        case (.unresolvedReference, .failed(.notFound, _, _)):
            return true
        case (.unresolvedReference(let expected), .failed(.invalidArgument, _, let fields)):
            return fields.sorted() == expected.sorted()
        case (.ownItems, .succeeded(let namespaces)):
            return !namespaces.isEmpty && namespaces.allSatisfy { $0 == namespace }
        case (.noForeignItems, .succeeded(let namespaces)):
            return namespaces.allSatisfy { $0 == namespace }
        default:
            return false
        }
    }

    var description: String {
        switch self {
        case .permissionDenied: "PERMISSION_DENIED"
        case .notFound: "NOT_FOUND"
        case .refused: "PERMISSION_DENIED or NOT_FOUND"
        case .missingReference: "NOT_FOUND, as for a reference to nothing"
        case .unresolvedReference(let fields): "NOT_FOUND, or INVALID_ARGUMENT on \(fields)"
        case .ownItems: "OK with items, all of the caller's namespace"
        case .noForeignItems: "OK with no item of another namespace"
        case .succeeds: "OK"
        case .unauthenticated: "UNAUTHENTICATED"
        }
    }
}
