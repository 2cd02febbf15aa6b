import DMSAPI
import DMSProto
import DMSWire
import Foundation

extension ResourceIsolationTable {
    /// Connections.
    static let connectionCases: [String: [ResourceIsolationCase]] = [
        // MARK: Connections
        API.ConnectionService.createConnection.descriptor.fullName: [
            aim(
                .unary("a connection in the namespace", API.ConnectionService.createConnection) { r in
                    .postgres(name: "intruder-\(r.name)", namespace: r.name, password: "x")
                }, outsider: .permissionDenied, viewer: .permissionDenied),
            aim(
                .unary("a connection in the default namespace", API.ConnectionService.createConnection, inDefaultNamespace: true) { r in
                    .postgres(name: "intruder-\(r.name)", namespace: "", password: "x")
                }, outsider: .permissionDenied, viewer: .permissionDenied),
        ],
        API.ConnectionService.getConnection.descriptor.fullName: [
            aim(
                .unary("the connection by id", API.ConnectionService.getConnection, items: { [$0.namespace] }) { r in
                    .with { $0.id = r.connection.id }
                }, outsider: .notFound, viewer: .ownItems),
            aim(
                .unary("the connection by name", API.ConnectionService.getConnection, items: { [$0.namespace] }) { r in
                    .with {
                        $0.name = r.connection.name
                        $0.namespace = r.name
                    }
                }, outsider: .permissionDenied, viewer: .ownItems),
            aim(
                .unary(
                    "the connection by name in the default namespace", API.ConnectionService.getConnection, inDefaultNamespace: true,
                    items: { [$0.namespace] }
                ) { r in
                    .with { $0.name = r.connection.name }
                }, outsider: .permissionDenied, viewer: .ownItems),
        ],
        API.ConnectionService.listConnections.descriptor.fullName: [
            aim(
                .unary("every connection", API.ConnectionService.listConnections, items: { $0.connections.map(\.namespace) }) { _ in .init()
                }, outsider: .ownItems, viewer: .ownItems),
            aim(
                .unary("the namespace's connections", API.ConnectionService.listConnections, items: { $0.connections.map(\.namespace) }) {
                    r in .with { $0.namespace = r.name }
                },
                outsider: .permissionDenied, viewer: .ownItems),
            aim(
                .unary(
                    "the default namespace's connections", API.ConnectionService.listConnections, inDefaultNamespace: true,
                    items: { $0.connections.map(\.namespace) }
                ) { _ in .init() },
                outsider: .permissionDenied, viewer: .ownItems),
        ],
        API.ConnectionService.updateConnection.descriptor.fullName: [
            aim(
                .unary("the connection's name by id", API.ConnectionService.updateConnection) { r in
                    .with {
                        $0.id = r.connection.id
                        $0.expectedRevision = r.connection.revision
                        $0.newName = "renamed-\(r.name)"
                    }
                }, outsider: .notFound, viewer: .permissionDenied),
            aim(
                .unary("the connection's schema by name", API.ConnectionService.updateConnection) { r in
                    .with {
                        $0.name = r.connection.name
                        $0.namespace = r.name
                        $0.expectedRevision = r.connection.revision
                        $0.schema = ResourceJSON.postgresSchema(host: "evil.example.com", password: "********")
                    }
                }, outsider: .permissionDenied, viewer: .permissionDenied),
        ],
        API.ConnectionService.deleteConnection.descriptor.fullName: [
            aim(
                .unary("the connection by id", API.ConnectionService.deleteConnection) { r in
                    .with {
                        $0.id = r.connection.id
                        $0.expectedRevision = r.connection.revision
                    }
                }, outsider: .notFound, viewer: .permissionDenied),
            aim(
                .unary("the connection by name", API.ConnectionService.deleteConnection) { r in
                    .with {
                        $0.name = r.connection.name
                        $0.namespace = r.name
                    }
                }, outsider: .permissionDenied, viewer: .permissionDenied),
        ],
        API.ConnectionService.testConnection.descriptor.fullName: [
            aim(
                .unary("the connection by id", API.ConnectionService.testConnection) { r in .with { $0.id = r.connection.id } },
                outsider: .notFound, viewer: .succeeds),
            aim(
                .unary("the connection by name", API.ConnectionService.testConnection) { r in
                    .with {
                        $0.name = r.connection.name
                        $0.namespace = r.name
                    }
                }, outsider: .permissionDenied, viewer: .succeeds),
        ],
        API.ConnectionService.upgradeConnection.descriptor.fullName: [
            aim(
                .unary("the connection by id", API.ConnectionService.upgradeConnection) { r in
                    .with {
                        $0.id = r.connection.id
                        $0.expectedRevision = r.connection.revision
                        $0.toVersion = 2
                    }
                }, outsider: .notFound, viewer: .permissionDenied),
            aim(
                .unary("the connection by name", API.ConnectionService.upgradeConnection) { r in
                    .with {
                        $0.name = r.connection.name
                        $0.namespace = r.name
                        $0.expectedRevision = r.connection.revision
                    }
                }, outsider: .permissionDenied, viewer: .permissionDenied),
        ],
    ]

    /// Sources and targets.
    static let overlayCases: [String: [ResourceIsolationCase]] = [
        // MARK: Sources
        API.SourceService.createSource.descriptor.fullName: [
            aim(
                .unary("a source in the namespace", API.SourceService.createSource) { r in
                    .with {
                        $0.name = "intruder"
                        $0.namespace = r.name
                        $0.connectionID = r.connection.id
                        $0.conf = #"{"table":"public.secrets"}"#
                    }
                }, outsider: .permissionDenied, viewer: .permissionDenied),
            aim(
                .unary("a source of the caller's own namespace on the connection", API.SourceService.createSource) { r in
                    .with {
                        $0.name = "borrowed"
                        $0.connectionID = r.connection.id
                        $0.conf = #"{"table":"public.secrets"}"#
                    }
                }, outsider: .missingReference, viewer: .permissionDenied),
        ],
        API.SourceService.getSource.descriptor.fullName: overlayReads(
            API.SourceService.getSource, noun: "source", id: \.source.id, name: \.source.name),
        API.SourceService.listSources.descriptor.fullName: [
            aim(
                .unary("every source", API.SourceService.listSources, items: { $0.sources.map(\.namespace) }) { _ in .init() },
                outsider: .ownItems, viewer: .ownItems),
            aim(
                .unary("the namespace's sources", API.SourceService.listSources, items: { $0.sources.map(\.namespace) }) { r in
                    .with { $0.namespace = r.name }
                },
                outsider: .permissionDenied, viewer: .ownItems),
            aim(
                .unary("the sources on the connection", API.SourceService.listSources, items: { $0.sources.map(\.namespace) }) { r in
                    .with { $0.connectionID = r.connection.id }
                },
                outsider: .noForeignItems, viewer: .ownItems),
        ],
        API.SourceService.updateSource.descriptor.fullName: [
            aim(
                .unary("the source's overrides by id", API.SourceService.updateSource) { r in
                    .with {
                        $0.id = r.source.id
                        $0.expectedRevision = r.source.revision
                        $0.conf = #"{"table":"public.customers"}"#
                    }
                }, outsider: .notFound, viewer: .permissionDenied),
            aim(
                .unary("the source's name by name", API.SourceService.updateSource) { r in
                    .with {
                        $0.name = r.source.name
                        $0.namespace = r.name
                        $0.expectedRevision = r.source.revision
                        $0.newName = "renamed"
                    }
                }, outsider: .permissionDenied, viewer: .permissionDenied),
            aim(
                .unary("the caller's own source moved onto the connection", API.SourceService.updateSource) { r, own in
                    .with {
                        $0.id = own.source.id
                        $0.expectedRevision = own.source.revision
                        $0.connectionID = r.connection.id
                    }
                }, outsider: .unresolvedReference(fields: ["connection_id"]), viewer: .permissionDenied),
        ],
        API.SourceService.deleteSource.descriptor.fullName: [
            aim(
                .unary("the source by id", API.SourceService.deleteSource) { r in .with { $0.id = r.source.id } }, outsider: .notFound,
                viewer: .permissionDenied),
            aim(
                .unary("the source by name", API.SourceService.deleteSource) { r in
                    .with {
                        $0.name = r.source.name
                        $0.namespace = r.name
                    }
                }, outsider: .permissionDenied, viewer: .permissionDenied),
        ],

        // MARK: Targets
        API.TargetService.createTarget.descriptor.fullName: [
            aim(
                .unary("a target in the namespace", API.TargetService.createTarget) { r in
                    .with {
                        $0.name = "intruder"
                        $0.namespace = r.name
                        $0.connectionID = r.connection.id
                    }
                }, outsider: .permissionDenied, viewer: .permissionDenied),
            aim(
                .unary("a target of the caller's own namespace on the connection", API.TargetService.createTarget) { r in
                    .with {
                        $0.name = "borrowed"
                        $0.connectionID = r.connection.id
                    }
                }, outsider: .missingReference, viewer: .permissionDenied),
        ],
        API.TargetService.getTarget.descriptor.fullName: overlayReads(
            API.TargetService.getTarget, noun: "target", id: \.target.id, name: \.target.name),
        API.TargetService.listTargets.descriptor.fullName: [
            aim(
                .unary("every target", API.TargetService.listTargets, items: { $0.targets.map(\.namespace) }) { _ in .init() },
                outsider: .ownItems, viewer: .ownItems),
            aim(
                .unary("the namespace's targets", API.TargetService.listTargets, items: { $0.targets.map(\.namespace) }) { r in
                    .with { $0.namespace = r.name }
                },
                outsider: .permissionDenied, viewer: .ownItems),
            aim(
                .unary("the targets on the connection", API.TargetService.listTargets, items: { $0.targets.map(\.namespace) }) { r in
                    .with { $0.connectionID = r.connection.id }
                },
                outsider: .noForeignItems, viewer: .ownItems),
        ],
        API.TargetService.updateTarget.descriptor.fullName: [
            aim(
                .unary("the target's overrides by id", API.TargetService.updateTarget) { r in
                    .with {
                        $0.id = r.target.id
                        $0.expectedRevision = r.target.revision
                        $0.conf = #"{"table":"public.stolen","mode":"overwrite"}"#
                    }
                }, outsider: .notFound, viewer: .permissionDenied),
            aim(
                .unary("the target's name by name", API.TargetService.updateTarget) { r in
                    .with {
                        $0.name = r.target.name
                        $0.namespace = r.name
                        $0.expectedRevision = r.target.revision
                        $0.newName = "renamed"
                    }
                }, outsider: .permissionDenied, viewer: .permissionDenied),
            aim(
                .unary("the caller's own target moved onto the connection", API.TargetService.updateTarget) { r, own in
                    .with {
                        $0.id = own.target.id
                        $0.expectedRevision = own.target.revision
                        $0.connectionID = r.connection.id
                    }
                }, outsider: .unresolvedReference(fields: ["connection_id"]), viewer: .permissionDenied),
        ],
        API.TargetService.deleteTarget.descriptor.fullName: [
            aim(
                .unary("the target by id", API.TargetService.deleteTarget) { r in .with { $0.id = r.target.id } }, outsider: .notFound,
                viewer: .permissionDenied),
            aim(
                .unary("the target by name", API.TargetService.deleteTarget) { r in
                    .with {
                        $0.name = r.target.name
                        $0.namespace = r.name
                    }
                }, outsider: .permissionDenied, viewer: .permissionDenied),
        ],
    ]
}
