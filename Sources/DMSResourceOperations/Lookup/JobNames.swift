import DMSClient
import DMSProto

/// The names of a job's source and target, for tables.
public struct JobNames: Sendable {
    /// The source's name, when found.
    public var source: String?
    /// The target's name, when found.
    public var target: String?

    /// Looks them up (best effort).
    public static func of(_ job: Dms_V1_MigrationJob, client: RPCClient, options: RPCClient.CallOptions) async throws -> JobNames {
        let sources = await ResourceNames.sources([job.sourceID], client: client, options: options)
        let targets = await ResourceNames.targets([job.targetID], client: client, options: options)
        return JobNames(source: sources[job.sourceID], target: targets[job.targetID])
    }
}
