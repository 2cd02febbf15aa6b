import DMSAPI
import DMSCatalog
import DMSCommandLineOutput
import DMSManifest
import DMSProto

extension ApplyRunner {
    /// Creates the connection, updates its schema, or upgrades it to the document's version.
    public mutating func applyConnection(_ document: ManifestDocument, _ spec: ManifestSpec.ConnectionSpec) async throws -> ResourceOutcome {
        let namespace = namespace(of: document)
        let current = try await existing(in: namespace) {
            try await client.unary(API.ConnectionService.getConnection, .named(document.name, namespace: namespace), options: options)
        }
        let schemaText = spec.schema.map { JSONValue.object($0).serialized() }
        guard let current else {
            if dryRun {
                remember(document, id: nil)
                return outcome(document, ApplyAction.create.dryRunResult)
            }
            let request = Dms_V1_CreateConnectionRequest.with {
                $0.name = document.name
                $0.type = spec.type
                $0.version = spec.version ?? 0
                $0.schema = schemaText ?? "{}"
                $0.namespace = namespace
            }
            let created = try await client.unary(API.ConnectionService.createConnection, request, options: options)
            remember(document, id: created.id)
            return outcome(document, "created")
        }
        remember(document, id: current.id)
        let connectorSpec = try await ConnectorSpecLookup.spec(type: current.type, version: current.version, client: client, options: options)
        let action: ApplyAction
        do {
            action = try ApplyDiff.connection(spec, current, defaults: connectorSpec.connectionDefaults).action
        } catch {
            throw failure(error)
        }
        if dryRun || action == .unchanged { return outcome(document, action.dryRunResult, fields: action.fields) }
        let updated: Dms_V1_Connection
        if action.fields?.contains("version") == true {
            var request = Dms_V1_UpgradeConnectionRequest.identified(current.id)
            request.expectedRevision = current.revision
            request.toVersion = spec.version ?? 0
            request.schema = schemaText ?? ""
            updated = try await client.unary(API.ConnectionService.upgradeConnection, request, options: options)
        } else {
            var request = Dms_V1_UpdateConnectionRequest.identified(current.id)
            request.expectedRevision = current.revision
            request.updateMask = ["schema"]
            request.schema = schemaText ?? "{}"
            updated = try await client.unary(API.ConnectionService.updateConnection, request, options: options)
        }
        return settled(document, action, before: current.revision, after: updated.revision)
    }
}
