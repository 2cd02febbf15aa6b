import DMSAPI
import DMSCatalog
import DMSClient
import DMSCommandLineInput
import DMSProto
import DMSStructuredText
import DMSWire

/// A connector's spec, fetched to learn which configuration fields are secret.
public enum ConnectorSpecLookup {
    /// The spec of `type` at `version` (0: the latest), or `nil` when the server does not know it
    /// or cannot say (NOT_FOUND, UNIMPLEMENTED); other errors pass through.
    public static func spec(
        type: String, version: Int32, client: RPCClient, options: RPCClient.CallOptions
    ) async throws -> Dms_V1_ConnectorSpec? {
        guard let connector = try await connectorType(type, version: version, client: client, options: options) else { return nil }
        let wanted = version == 0 ? connector.latestVersion : version
        return connector.versions.first { $0.version == wanted } ?? connector.versions.last
    }

    /// Connector `type` with its spec `version` (0: every version), or `nil` when the server does
    /// not know it or cannot say (NOT_FOUND, UNIMPLEMENTED); other errors pass through.
    public static func connectorType(
        _ type: String, version: Int32 = 0, client: RPCClient, options: RPCClient.CallOptions
    ) async throws -> Dms_V1_ConnectorType? {
        let request = Dms_V1_GetConnectorTypeRequest.with {
            $0.type = type
            $0.version = version
        }
        do {
            return try await client.unary(API.ConnectorService.getConnectorType, request, options: options)
        } catch let error as RPCError where error.code == .notFound || error.code == .unimplemented {
            return nil
        }
    }
}

extension Optional where Wrapped == Dms_V1_ConnectorSpec {
    /// The secret fields the spec declares, plus every secret-looking name.
    public var secretFields: SecretFields {
        SecretFields(declared: Set(self?.secretFields ?? []))
    }

    /// The `default` of each field of the spec's connection schema; empty without a spec.
    public var connectionDefaults: [String: JSONValue] {
        self.map { JSONSchemaText.defaults($0.connectionSchema) } ?? [:]
    }

    /// The secret fields `--prompt-secrets` asks for on an object following `schemaText` (one of
    /// the spec's JSON Schemas): those among its properties; without a spec, `password`.
    public func promptableSecrets(_ schemaText: KeyPath<Dms_V1_ConnectorSpec, String>) -> [String] {
        guard let spec = self else { return ["password"] }
        guard let properties = JSONSchemaText.propertyNames(spec[keyPath: schemaText]) else { return spec.secretFields }
        return spec.secretFields.filter(properties.contains)
    }
}

extension ConnectorSpecLookup {
    /// The secret fields of the spec connection `connectionID` follows, and those
    /// `--prompt-secrets` asks for on an object following the spec's `schema`; when not `wanted`,
    /// secrets by name only and no prompts, without asking the server.
    public static func secrets(
        ofConnection connectionID: String, schema: KeyPath<Dms_V1_ConnectorSpec, String>, wanted: Bool, client: RPCClient,
        options: RPCClient.CallOptions
    ) async throws -> (SecretFields, [String]) {
        guard wanted else { return (.byNameOnly, []) }
        let connection = try await client.unary(API.ConnectionService.getConnection, .identified(connectionID), options: options)
        let connectorSpec = try await Self.spec(type: connection.type, version: connection.version, client: client, options: options)
        return (connectorSpec.secretFields, connectorSpec.promptableSecrets(schema))
    }
}
