import DMSAPI
import DMSProto
import DMSRPCServer
import DMSWire
import Foundation
import SwiftProtobuf

/// Answers `Health` and streams `WatchHealth`.
public struct HealthService: Sendable {
    let statistics: ServerStatistics
    let version: String
    let replica: String
    let clock: any Clock<Duration>

    /// Creates the service over the server's live counters.
    public init(statistics: ServerStatistics, version: String, replica: String, clock: any Clock<Duration> = ContinuousClock()) {
        self.statistics = statistics
        self.version = version
        self.replica = replica
        self.clock = clock
    }

    /// Adds both methods to `router`.
    public func register(on router: inout MethodRouter) {
        router.register(API.HealthService.health) { _, _ in snapshot(sequence: 0) }
        router.register(API.HealthService.watchHealth) { request, _, writer in
            try await watch(request, writer: writer)
        }
    }

    /// The replica's state now.
    func snapshot(sequence: UInt64) -> Dms_V1_HealthResponse {
        var response = Dms_V1_HealthResponse()
        response.status = statistics.isDraining ? .draining : .serving
        response.version = version
        response.protocol = WireProtocol.version
        response.serverTime = Google_Protobuf_Timestamp(date: Date())
        let uptime = ContinuousClock.now - statistics.startedAt
        response.uptimeSeconds = Double(uptime.components.seconds) + Double(uptime.components.attoseconds) / 1e18
        response.connections = UInt32(clamping: statistics.connections)
        response.activeCalls = UInt32(clamping: statistics.activeCalls)
        response.sequence = sequence
        response.replica = replica
        return response
    }

    func watch(_ request: Dms_V1_WatchHealthRequest, writer: ServerStreamWriter<Dms_V1_HealthResponse>) async throws {
        if request.intervalMs != 0 && request.intervalMs < 10 {
            throw RPCError.invalidArgument([.init(field: "interval_ms", description: "must be 0 (1000) or at least 10")])
        }
        let interval = Duration.milliseconds(request.intervalMs == 0 ? 1000 : Int64(request.intervalMs))
        var sequence: UInt64 = 0
        while request.maxItems == 0 || sequence < UInt64(request.maxItems) {
            if sequence > 0 { try await clock.sleep(for: interval) }
            sequence += 1
            try await writer.write(snapshot(sequence: sequence))
        }
    }
}
