import DMSAPI
import DMSClient
import DMSProto
import DMSWire
import Foundation

/// One resource of every kind in one namespace, made through the API by an admin: a namespace, a
/// postgres Connection (spec version 1, so that it can still be upgraded), a Source and a Target on
/// it, a Migration Job pairing them, and an editor token of the namespace.
///
/// Sources, targets and jobs carry the same names in every namespace (only connection names are
/// unique across namespaces), so a lookup by name that ignored the namespace would find the wrong one.
struct ResourceSet: Sendable {
    var namespace: Dms_V1_Namespace
    var connection: Dms_V1_Connection
    var source: Dms_V1_Source
    var target: Dms_V1_Target
    var job: Dms_V1_MigrationJob
    /// The editor token of the namespace, with its secret.
    var editor: Dms_V1_CreateTokenResponse
    /// A run of the job, when the test started one (``NamespaceIsolationTests`` does).
    var run: Dms_V1_MigrationJobRun? = nil

    /// The namespace's name.
    var name: String { namespace.name }

    /// The passwords of a set's configurations: the connection's, and the source's and target's
    /// overrides (nil: the source or target does not override it).
    struct Passwords: Sendable {
        var connection = "s3cret-password"
        var source: String? = nil
        var target: String? = nil
    }

    /// Creates namespace `name` and one resource of every kind in it, through `admin`.
    static func create(in name: String, using admin: RPCClient, passwords: Passwords = Passwords()) async throws -> ResourceSet {
        var namespaceRequest = Dms_V1_CreateNamespaceRequest()
        namespaceRequest.name = name
        namespaceRequest.description_p = "tenant \(name)"
        let namespace = try await admin.unary(API.NamespaceService.createNamespace, namespaceRequest)
        let connection = try await admin.unary(
            API.ConnectionService.createConnection, .postgres(name: "\(name)-warehouse", namespace: name, password: passwords.connection))

        var sourceRequest = Dms_V1_CreateSourceRequest()
        sourceRequest.name = "orders"
        sourceRequest.namespace = name
        sourceRequest.connectionID = connection.id
        sourceRequest.conf = ResourceJSON.text(["table": "public.orders", "password": passwords.source])
        let source = try await admin.unary(API.SourceService.createSource, sourceRequest)

        var targetRequest = Dms_V1_CreateTargetRequest()
        targetRequest.name = "orders-copy"
        targetRequest.namespace = name
        targetRequest.connectionID = connection.id
        targetRequest.conf = ResourceJSON.text(["table": "archive.orders", "mode": "append", "password": passwords.target])
        let target = try await admin.unary(API.TargetService.createTarget, targetRequest)

        var jobRequest = Dms_V1_CreateMigrationJobRequest()
        jobRequest.name = "nightly-orders"
        jobRequest.namespace = name
        jobRequest.sourceID = source.id
        jobRequest.targetID = target.id
        jobRequest.schedule = "0 3 * * *"
        jobRequest.options = #"{"validation":"count"}"#
        jobRequest.sparkConf = ["spark.executor.memory": "1g"]
        let job = try await admin.unary(API.MigrationJobService.createMigrationJob, jobRequest)

        let editor = try await admin.unary(API.TokenService.createToken, .scoped("editor", role: .editor, namespace: name))
        return ResourceSet(namespace: namespace, connection: connection, source: source, target: target, job: job, editor: editor)
    }

    /// The same set with every id replaced by a new random one: resources that look alike but do
    /// not exist, to compare the answers about real resources with.
    func withMissingIDs() -> ResourceSet {
        var copy = self
        copy.connection.id = UUID().uuidString.lowercased()
        copy.source.id = UUID().uuidString.lowercased()
        copy.source.connectionID = copy.connection.id
        copy.target.id = UUID().uuidString.lowercased()
        copy.target.connectionID = copy.connection.id
        copy.job.id = UUID().uuidString.lowercased()
        copy.job.sourceID = copy.source.id
        copy.job.targetID = copy.target.id
        copy.editor.token.id = UUID().uuidString.lowercased()
        copy.run?.id = UUID().uuidString.lowercased()
        copy.run?.migrationJobID = copy.job.id
        return copy
    }
}

extension Dms_V1_CreateConnectionRequest {
    /// A postgres connection (spec version 1 unless `version` says otherwise) with `password`.
    static func postgres(name: String, namespace: String, password: String, version: Int32 = 1, host: String = "db.example.com") -> Self {
        var request = Self()
        request.name = name
        request.namespace = namespace
        request.type = "postgres"
        request.version = version
        request.schema = ResourceJSON.postgresSchema(host: host, password: password, version: version)
        return request
    }
}

extension Dms_V1_CreateTokenRequest {
    /// An editor or viewer token of `namespace`.
    static func scoped(_ name: String, role: Dms_V1_TokenRole, namespace: String) -> Self {
        var request = Self()
        request.name = name
        request.role = role
        request.namespace = namespace
        return request
    }
}

/// JSON texts of configurations.
enum ResourceJSON {
    /// A JSON object of the non-nil `members`, keys sorted.
    static func text(_ members: [String: String?]) -> String {
        let present = members.compactMapValues { $0 }
        let data = try! JSONSerialization.data(withJSONObject: present, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// The configuration of a postgres connection, in the field names of spec `version`.
    static func postgresSchema(host: String, password: String, version: Int32 = 1) -> String {
        let tls = version == 1 ? "sslmode" : "ssl_mode"
        let members: [String: Any] = ["host": host, "port": 5432, "database": "shop", "user": "dms", "password": password, tls: "disable"]
        let data = try! JSONSerialization.data(withJSONObject: members, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    /// The object in `text`.
    static func object(_ text: String) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:]
    }
}
