import DMSAPI
import DMSProto
import DMSWire
import Foundation
import SwiftProtobuf

/// One call of the isolation table, aimed at the resources of one namespace, and the answers two
/// callers must get: an editor of another namespace (the outsider), and a viewer of that namespace.
struct ResourceIsolationCase: Sendable {
    let probe: ResourceProbe
    /// The answer for an editor token of another namespace.
    let outsider: ResourceExpectation
    /// The answer for a viewer token of the resources' own namespace; nil: not asserted.
    let viewer: ResourceExpectation?
    /// A known server bug that gives the outsider another answer; its check is a known issue.
    let knownIssue: String?
}

/// For every method of the contract, the calls that try to reach another namespace's resources:
/// by id, by name in that namespace, by the call's default namespace, and by reference from the
/// caller's own namespace and resources. Requests are valid in every other respect (right
/// revisions, real changes), so that only the token's scope can stop them.
enum ResourceIsolationTable {
    /// The calls, by method full name.
    static let cases: [String: [ResourceIsolationCase]] = [accountCases, connectionCases, overlayCases, jobCases, runCases]
        .reduce(into: [:]) { all, part in all.merge(part) { first, _ in first } }

    /// Health, namespaces, connector types and tokens.
    static let accountCases: [String: [ResourceIsolationCase]] = [
        // MARK: Health (not namespaced)
        API.HealthService.health.descriptor.fullName: [
            aim(.unary("Health", API.HealthService.health) { _ in Dms_V1_HealthRequest() }, outsider: .succeeds, viewer: .succeeds)
        ],
        API.HealthService.watchHealth.descriptor.fullName: [
            aim(
                .streaming("one WatchHealth item", API.HealthService.watchHealth) { _ in
                    .with {
                        $0.intervalMs = 10
                        $0.maxItems = 1
                    }
                }, outsider: .succeeds, viewer: .succeeds)
        ],

        // MARK: Namespaces
        API.NamespaceService.createNamespace.descriptor.fullName: [
            aim(
                .unary("a new namespace", API.NamespaceService.createNamespace) { _ in .with { $0.name = "gamma" } },
                outsider: .permissionDenied, viewer: .permissionDenied)
        ],
        API.NamespaceService.getNamespace.descriptor.fullName: [
            aim(
                .unary("the namespace", API.NamespaceService.getNamespace, items: { [$0.name] }) { r in .with { $0.name = r.name } },
                outsider: .permissionDenied, viewer: .ownItems)
        ],
        API.NamespaceService.listNamespaces.descriptor.fullName: [
            aim(
                .unary("every namespace", API.NamespaceService.listNamespaces, items: { $0.namespaces.map(\.name) }) { _ in .init() },
                outsider: .ownItems, viewer: .ownItems),
            aim(
                .unary("namespaces by its name as prefix", API.NamespaceService.listNamespaces, items: { $0.namespaces.map(\.name) }) { r in
                    .with { $0.namePrefix = r.name }
                },
                outsider: .noForeignItems, viewer: .ownItems),
        ],
        API.NamespaceService.updateNamespace.descriptor.fullName: [
            aim(
                .unary("the namespace's description", API.NamespaceService.updateNamespace) { r in
                    .with {
                        $0.name = r.name
                        $0.expectedRevision = r.namespace.revision
                        $0.description_p = "taken over"
                    }
                }, outsider: .permissionDenied, viewer: .permissionDenied)
        ],
        API.NamespaceService.deleteNamespace.descriptor.fullName: [
            aim(
                .unary("the namespace", API.NamespaceService.deleteNamespace) { r in .with { $0.name = r.name } },
                outsider: .permissionDenied, viewer: .permissionDenied)
        ],

        // MARK: Connectors (not namespaced)
        API.ConnectorService.listConnectorTypes.descriptor.fullName: [
            aim(
                .unary("every connector type", API.ConnectorService.listConnectorTypes) { _ in .init() }, outsider: .succeeds,
                viewer: .succeeds)
        ],
        API.ConnectorService.getConnectorType.descriptor.fullName: [
            aim(
                .unary("postgres", API.ConnectorService.getConnectorType) { _ in .with { $0.type = "postgres" } }, outsider: .succeeds,
                viewer: .succeeds)
        ],

        // MARK: Tokens
        API.TokenService.createToken.descriptor.fullName: [
            aim(
                .unary("an editor token of the namespace", API.TokenService.createToken) { r in
                    .scoped("intruder", role: .editor, namespace: r.name)
                }, outsider: .permissionDenied, viewer: .permissionDenied),
            aim(
                .unary("a viewer token of the namespace", API.TokenService.createToken) { r in
                    .scoped("intruder", role: .viewer, namespace: r.name)
                }, outsider: .permissionDenied, viewer: .permissionDenied),
            aim(
                .unary("an admin token", API.TokenService.createToken) { _ in
                    .with {
                        $0.name = "intruder"
                        $0.role = .admin
                    }
                }, outsider: .permissionDenied, viewer: .permissionDenied),
        ],
        API.TokenService.listTokens.descriptor.fullName: [
            aim(
                .unary("every token", API.TokenService.listTokens, items: { $0.tokens.map(\.namespace) }) { _ in
                    .with { $0.includeRevoked = true }
                }, outsider: .ownItems, viewer: .ownItems),
            aim(
                .unary("the namespace's tokens", API.TokenService.listTokens, items: { $0.tokens.map(\.namespace) }) { r in
                    .with { $0.namespace = r.name }
                },
                outsider: .permissionDenied, viewer: .ownItems),
        ],
        API.TokenService.getToken.descriptor.fullName: [
            aim(
                .unary("the editor token by id", API.TokenService.getToken, items: { [$0.namespace] }) { r in
                    .with { $0.id = r.editor.token.id }
                }, outsider: .notFound, viewer: .ownItems),
            aim(
                .unary("the editor token by name", API.TokenService.getToken, items: { [$0.namespace] }) { r in
                    .with {
                        $0.name = r.editor.token.name
                        $0.namespace = r.name
                    }
                }, outsider: .permissionDenied, viewer: .ownItems),
            aim(
                .unary("the bootstrap admin token by name", API.TokenService.getToken, items: { [$0.namespace] }) { _ in
                    .with { $0.name = "bootstrap-admin" }
                }, outsider: .notFound, viewer: .notFound),
        ],
        API.TokenService.revokeToken.descriptor.fullName: [
            aim(
                .unary("the editor token by id", API.TokenService.revokeToken) { r in .with { $0.id = r.editor.token.id } },
                outsider: .notFound, viewer: .permissionDenied),
            aim(
                .unary("the editor token by name", API.TokenService.revokeToken) { r in
                    .with {
                        $0.name = r.editor.token.name
                        $0.namespace = r.name
                    }
                }, outsider: .permissionDenied, viewer: .permissionDenied),
            aim(
                .unary("the bootstrap admin token by name", API.TokenService.revokeToken) { _ in .with { $0.name = "bootstrap-admin" } },
                outsider: .notFound, viewer: .notFound),
        ],
    ]

    static func aim(_ probe: ResourceProbe, outsider: ResourceExpectation, viewer: ResourceExpectation?, knownIssue: String? = nil)
        -> ResourceIsolationCase
    {
        ResourceIsolationCase(probe: probe, outsider: outsider, viewer: viewer, knownIssue: knownIssue)
    }

    /// Get by id, by name, and by name in the default namespace, of a source or target.
    static func overlayReads<Request: IdentifiedRequest, Response: NamespacedMessage>(
        _ method: UnaryMethod<Request, Response>, noun: String, id: KeyPath<ResourceSet, String> & Sendable,
        name: KeyPath<ResourceSet, String> & Sendable
    ) -> [ResourceIsolationCase] {
        [
            aim(
                .unary("the \(noun) by id", method, items: { [$0.namespace] }) { r in .identified(id: r[keyPath: id]) },
                outsider: .notFound, viewer: .ownItems),
            aim(
                .unary("the \(noun) by name", method, items: { [$0.namespace] }) { r in
                    .identified(name: r[keyPath: name], namespace: r.name)
                },
                outsider: .permissionDenied, viewer: .ownItems),
            aim(
                .unary("the \(noun) by name in the default namespace", method, inDefaultNamespace: true, items: { [$0.namespace] }) { r in
                    .identified(name: r[keyPath: name], namespace: "")
                }, outsider: .permissionDenied, viewer: .ownItems),
        ]
    }

    /// Delete, run, pause or resume of the job by id and by name.
    static func jobActions<Request, Response>(
        _ method: UnaryMethod<Request, Response>,
        _ request: @escaping @Sendable (_ id: String, _ name: String, _ namespace: String) -> Request
    ) -> [ResourceIsolationCase] {
        [
            aim(.unary("the job by id", method) { r in request(r.job.id, "", "") }, outsider: .notFound, viewer: .permissionDenied),
            aim(
                .unary("the job by name", method) { r in request("", r.job.name, r.name) }, outsider: .permissionDenied,
                viewer: .permissionDenied),
        ]
    }
}

/// A request naming a resource by id, or by name within a namespace.
protocol IdentifiedRequest: SwiftProtobuf.Message & Sendable {
    var id: String { get set }
    var name: String { get set }
    var namespace: String { get set }
}

extension IdentifiedRequest {
    static func identified(id: String = "", name: String = "", namespace: String = "") -> Self {
        var request = Self()
        request.id = id
        request.name = name
        request.namespace = namespace
        return request
    }
}

/// A resource message that carries its namespace.
protocol NamespacedMessage: SwiftProtobuf.Message & Sendable {
    var namespace: String { get }
}

extension Dms_V1_GetSourceRequest: IdentifiedRequest {}
extension Dms_V1_GetTargetRequest: IdentifiedRequest {}
extension Dms_V1_Source: NamespacedMessage {}
extension Dms_V1_Target: NamespacedMessage {}
