import DMSAPI
import DMSClient
import DMSProto
import Foundation

/// The two calls through dmsd, each checking its answer.
struct StoreCalls: Sendable {
    /// What a create returned: the new id, and the spec version dmsd chose (the latest).
    struct Created: Sendable {
        let id: String
        let version: Int
    }

    let client: RPCClient
    let workload: StoreWorkload

    /// CreateConnection `name` with the workload's configuration.
    func create(_ name: String) async throws -> Created {
        var request = Dms_V1_CreateConnectionRequest()
        request.name = name
        request.type = workload.type
        request.schema = workload.schema
        let connection = try await client.unary(API.ConnectionService.createConnection, request)
        guard UUID(uuidString: connection.id) != nil, connection.name == name else {
            throw StoreBenchError("CreateConnection \(name) returned id \"\(connection.id)\", name \"\(connection.name)\"")
        }
        guard connection.version > 0, connection.type == workload.type, !connection.schema.contains(workload.password) else {
            throw StoreBenchError("CreateConnection \(name) returned type \"\(connection.type)\" version \(connection.version), or the password in clear")
        }
        return Created(id: connection.id, version: Int(connection.version))
    }

    /// Health: the RPC round trip with next to no work behind it (the token is checked as for a
    /// get, from the same cache; no database).
    func health() async throws {
        let health = try await client.unary(API.HealthService.health, Dms_V1_HealthRequest())
        guard health.status == .serving else { throw StoreBenchError("Health answered \(health.status)") }
    }

    /// GetConnection by `id`; checks that it is the one named `name`.
    func get(id: String, name: String) async throws {
        var request = Dms_V1_GetConnectionRequest()
        request.id = id
        let connection = try await client.unary(API.ConnectionService.getConnection, request)
        guard connection.id == id, connection.name == name else {
            throw StoreBenchError("GetConnection \(id) returned id \"\(connection.id)\", name \"\(connection.name)\", expected \(name)")
        }
    }
}
