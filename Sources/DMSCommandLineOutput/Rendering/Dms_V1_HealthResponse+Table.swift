import DMSProto
import Foundation

extension Dms_V1_HealthResponse: TableRepresentable {
    /// `STATUS`, `VERSION`, `PROTOCOL`, `REPLICA`, `UPTIME`, `CONNECTIONS`, `ACTIVE CALLS` lines.
    public var tableText: String {
        TextTable.keyValues([
            ("status", status.displayName),
            ("version", version),
            ("protocol", self.protocol),
            ("replica", replica),
            ("uptime", DurationText.seconds(uptimeSeconds)),
            ("connections", String(connections)),
            ("active calls", String(activeCalls)),
        ])
    }

    /// One `key=value` line for an item of `health --watch`.
    public var watchLine: String {
        [
            "seq=\(sequence)", "status=\(status.displayName)", "uptime=\(DurationText.seconds(uptimeSeconds))",
            "connections=\(connections)", "active_calls=\(activeCalls)", "replica=\(replica)",
        ].joined(separator: " ")
    }
}

extension Dms_V1_HealthResponse.ServingStatus {
    /// The name as in the .proto file, `SERVING`.
    public var displayName: String {
        switch self {
        case .unspecified: "UNSPECIFIED"
        case .serving: "SERVING"
        case .draining: "DRAINING"
        case .notServing: "NOT_SERVING"
        case .UNRECOGNIZED(let value): "STATUS_\(value)"
        }
    }
}
