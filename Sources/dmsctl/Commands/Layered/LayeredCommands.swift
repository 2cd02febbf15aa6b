import DMSAPI
import DMSClient
import DMSProto
import SwiftProtobuf

/// What `dmsctl source …` and `dmsctl target …` do, written once for both kinds (see
/// ``LayeredResourceAPI``); the commands themselves only declare their flags.
enum LayeredCommands<Kind: LayeredResourceAPI> {
    /// Creates a resource on connection `connection` (a name) or `connectionID`.
    static func create(
        name: String, connection: String?, connectionID: String?, builder: ConfigurationBuilder, global: GlobalOptions
    ) async throws {
        let created = try await global.withClient { client, options in
            let connectionID = try await resolveConnection(name: connection, id: connectionID, global: global, client: client, options: options)
            let (secretFields, promptable) = try await secretsOfConnection(
                connectionID, wanted: builder.wantsSpec, client: client, options: options)
            let conf = try builder.build(base: JSONObject(), secretFields: secretFields, promptable: promptable)
            var request = Kind.CreateRequest()
            request.name = name
            request.connectionID = connectionID
            request.conf = JSONValue.object(conf).jsonText
            request.namespace = global.namespace ?? ""
            let created = try await client.unary(Kind.create, request, options: options)
            return (created, await ResourceNames.connections([created.connectionID], client: client, options: options))
        }
        try global.printer.print(created.0, table: created.0.detailTable(connectionName: created.1[created.0.connectionID]))
    }

    /// Shows one resource.
    static func get(_ selector: ResourceSelectorOptions, global: GlobalOptions) async throws {
        let (resource, names) = try await global.withClient { client, options in
            let resource = try await client.unary(Kind.get, .locating(selector, namespace: global.namespace), options: options)
            return (resource, await ResourceNames.connections([resource.connectionID], client: client, options: options))
        }
        try global.printer.print(resource, table: resource.detailTable(connectionName: names[resource.connectionID]))
    }

    /// Lists resources, optionally only those on connection `connection` (a name).
    static func list(_ list: ListOptions, connection: String?, global: GlobalOptions) async throws {
        let (collected, names) = try await global.withClient { client, options in
            let connectionID = try await connection.asyncMap {
                try await ReferenceLookup.connectionID($0, namespace: global.namespace ?? "", client: client, options: options)
            }
            let collected = try await Pager.collect(list.paging) { pageSize, pageToken in
                var request = Kind.ListRequest()
                request.namespace = global.namespace ?? ""
                request.namePrefix = list.namePrefix
                request.connectionID = connectionID ?? ""
                request.pageSize = pageSize
                request.pageToken = pageToken
                let page = try await client.unary(Kind.list, request, options: options)
                return (page.items, page.nextPageToken)
            }
            let names = global.output.output == .table
                ? await ResourceNames.connections(collected.items.map(\.connectionID), client: client, options: options) : [:]
            return (collected, names)
        }
        var response = Kind.ListResponse()
        response.items = collected.items
        response.nextPageToken = collected.nextPageToken
        try global.printer.print(response, table: Kind.Resource.listTable(collected.items, connectionNames: names))
        Pager.noteMore(collected, format: global.output.output)
    }

    /// Shows one resource with each field of its effective configuration marked inherited (from
    /// the connection), overridden (stored by the resource) or default (from the connector spec).
    static func describe(_ selector: ResourceSelectorOptions, global: GlobalOptions) async throws {
        let (resource, connection) = try await global.withClient { client, options in
            let resource = try await client.unary(Kind.get, .locating(selector, namespace: global.namespace), options: options)
            let connection = try? await client.unary(
                API.ConnectionService.getConnection, .identified(resource.connectionID), options: options)
            return (resource, connection)
        }
        let conf = ApplyDiff.objectOrEmpty(resource.conf)
        let overrides = ApplyDiff.objectOrEmpty(resource.overrides)
        let fields = ConfOrigin.fields(conf: conf, overrides: overrides, connection: connection.map { ApplyDiff.objectOrEmpty($0.schema) })
        var document = try EmbeddedJSON.document(resource)
        document["confOrigins"] = .object(JSONObject(fields.map { ($0.key, .string($0.origin.rawValue)) }))
        let header = TextTable.keyValues(resource.detailPairs(connectionName: connection?.name))
        let table = TextTable.columns(["field", "value", "origin"], fields.map { [$0.key, $0.value.displayText, $0.origin.rawValue] })
        global.printer.print(document: .object(document), table: header + "\nEFFECTIVE CONFIGURATION\n" + table)
    }

    /// Reads a resource, applies the changes, and sends them with the revision read.
    static func update(
        _ selector: ResourceSelectorOptions, newName: String?, connection: String?, builder: ConfigurationBuilder,
        global: GlobalOptions
    ) async throws {
        let (updated, names) = try await global.withClient { client, options in
            let current = try await client.unary(Kind.get, .locating(selector, namespace: global.namespace), options: options)
            var request = Kind.UpdateRequest.identified(current.id)
            request.expectedRevision = current.revision
            if let newName {
                request.newName = newName
                request.updateMask.append("new_name")
            }
            var connectionID = current.connectionID
            if let connection {
                connectionID = try await ReferenceLookup.connectionID(connection, namespace: current.namespace, client: client, options: options)
                request.connectionID = connectionID
                request.updateMask.append("connection_id")
            }
            if !builder.isEmpty {
                let (secretFields, promptable) = try await secretsOfConnection(
                    connectionID, wanted: builder.wantsSpec, client: client, options: options)
                let base = (try? StructuredText.parseObject(current.overrides, what: "overrides")) ?? JSONObject()
                let conf = try builder.build(base: base, secretFields: secretFields, promptable: promptable)
                request.conf = JSONValue.object(conf).jsonText
                request.updateMask.append("conf")
            }
            let updated = try await RevisionConflict.reporting("\(Kind.noun)/\(current.name)", readRevision: current.revision) {
                try await client.unary(Kind.update, request, options: options)
            }
            return (updated, await ResourceNames.connections([updated.connectionID], client: client, options: options))
        }
        try global.printer.print(updated, table: updated.detailTable(connectionName: names[updated.connectionID]))
    }

    /// Deletes a resource.
    static func delete(_ selector: ResourceSelectorOptions, global: GlobalOptions) async throws {
        _ = try await global.withClient { client, options in
            try await client.unary(Kind.delete, .locating(selector, namespace: global.namespace), options: options)
        }
        try ResourceOutcome(kind: Kind.noun, name: selector.label, result: "deleted").print(with: global.printer)
    }

    private static func resolveConnection(
        name: String?, id: String?, global: GlobalOptions, client: RPCClient, options: RPCClient.CallOptions
    ) async throws -> String {
        if let id { return id }
        return try await ReferenceLookup.connectionID(name ?? "", namespace: global.namespace ?? "", client: client, options: options)
    }

    /// The secret fields of the spec the connection follows, and those `--prompt-secrets` asks for.
    private static func secretsOfConnection(
        _ connectionID: String, wanted: Bool, client: RPCClient, options: RPCClient.CallOptions
    ) async throws -> (SecretFields, [String]) {
        guard wanted else { return (.byNameOnly, []) }
        let connection = try await client.unary(API.ConnectionService.getConnection, .identified(connectionID), options: options)
        let spec = try await ConnectorSpecLookup.spec(type: connection.type, version: connection.version, client: client, options: options)
        return (spec.secretFields, spec.promptableSecrets(Kind.specSchema))
    }
}
