import DMSAPI
import DMSCatalog
import DMSCommandLineOutput
import DMSManifest
import DMSProto

extension ApplyRunner {
    /// Creates or updates a source or target (``LayeredResourceAPI``).
    public mutating func applyLayered<Kind: LayeredResourceAPI>(
        _ kind: Kind.Type, _ document: ManifestDocument, _ spec: ManifestSpec.LayeredSpec
    ) async throws -> ResourceOutcome {
        let namespace = namespace(of: document)
        let connectionID = try await reference(.connection, spec.connection, from: document, field: "spec.connection")
        let current = try await existing(in: namespace) {
            try await client.unary(Kind.get, .named(document.name, namespace: namespace), options: options)
        }
        let confText = spec.conf.map { JSONValue.object($0).serialized() }
        guard let current else {
            if dryRun {
                remember(document, id: nil)
                return outcome(document, ApplyAction.create.dryRunResult)
            }
            var request = Kind.CreateRequest()
            request.name = document.name
            request.connectionID = connectionID
            request.conf = confText ?? "{}"
            request.namespace = namespace
            let created = try await client.unary(Kind.create, request, options: options)
            remember(document, id: created.id)
            return outcome(document, "created")
        }
        remember(document, id: current.id)
        let action = ApplyDiff.layered(spec, connectionID: connectionID, current).action
        if dryRun || action == .unchanged { return outcome(document, action.dryRunResult, fields: action.fields) }
        var request = Kind.UpdateRequest.identified(current.id)
        request.expectedRevision = current.revision
        if action.fields?.contains("connection") == true {
            request.connectionID = connectionID
            request.updateMask.append("connection_id")
        }
        if let confText, action.fields?.contains("conf") == true {
            request.conf = confText
            request.updateMask.append("conf")
        }
        let updated = try await client.unary(Kind.update, request, options: options)
        return settled(document, action, before: current.revision, after: updated.revision)
    }
}
