import DMSAPI
import DMSCatalog
import DMSProto
import DMSRPCServer
import DMSWire

/// The read-only connector catalog, for clients that render forms and help text.
struct ConnectorService: Sendable {
    let catalog: ConnectorCatalog

    func register(on router: inout MethodRouter) {
        router.register(API.ConnectorService.listConnectorTypes) { request, context in
            _ = try context.scope()
            var response = Dms_V1_ListConnectorTypesResponse()
            response.connectorTypes = catalog.types.map { message($0, versions: request.allVersions ? $0.versions : [$0.latest]) }
            return response
        }
        router.register(API.ConnectorService.getConnectorType) { request, context in
            _ = try context.scope()
            guard let type = catalog.type(named: request.type) else {
                throw RPCError(.notFound, "no connector type \"\(request.type)\"; known: \(catalog.types.map(\.type).joined(separator: ", "))")
            }
            if request.version == 0 { return message(type, versions: type.versions) }
            guard let spec = type.spec(version: Int(request.version)) else {
                throw RPCError(.notFound, "\(type.type) has spec versions 1 to \(type.latestVersion)")
            }
            return message(type, versions: [spec])
        }
    }

    private func message(_ type: ConnectorType, versions: [ConnectorSpec]) -> Dms_V1_ConnectorType {
        var message = Dms_V1_ConnectorType()
        message.type = type.type
        message.displayName = type.displayName
        message.description_p = type.description
        message.latestVersion = Int32(type.latestVersion)
        message.versions = versions.map { spec in
            var version = Dms_V1_ConnectorSpec()
            version.version = Int32(spec.version)
            version.connectionSchema = spec.schemaText(.connection)
            version.sourceSchema = spec.schemaText(.source)
            version.targetSchema = spec.schemaText(.target)
            version.secretFields = spec.secretFields
            version.deprecated = spec.deprecated
            version.renamedFromPrevious = spec.upgradeFromPrevious.renamedFields
            version.removedFromPrevious = spec.upgradeFromPrevious.removedFields
            return version
        }
        return message
    }
}
