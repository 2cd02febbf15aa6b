import DMSCatalog
import DMSProto
import DMSStore
import Foundation

/// The versioned job spec a run hands to the job program (PySpark/README.md, "Job spec"): the
/// run, the effective source and target configuration with secrets in clear, the job's options
/// and the incremental cursors of its last successful run.
public struct JobSpec: Sendable {
    /// The spec format version.
    public static let version = 1

    /// The spec as JSON.
    public let document: JSONValue
    /// Every secret value inside it, for scrubbing whatever the run writes.
    public let secretValues: [String]
    /// The drivers its connections need on Spark's class path.
    public let dependencies: JobDependencies

    public init(
        run: Dms_V1_MigrationJobRun, job: Dms_V1_MigrationJob, source: RuntimeConfiguration,
        target: RuntimeConfiguration, cursors: [JobCursor]
    ) throws {
        let options = try JSONValue(parsing: job.options.isEmpty ? "{}" : job.options)
        var cursorObject = [String: JSONValue]()
        for cursor in cursors { cursorObject[cursor.table] = ["column": .string(cursor.column), "value": .string(cursor.value)] }
        document = [
            "spec_version": .integer(Int64(Self.version)),
            "run": [
                "id": .string(run.id), "job_id": .string(job.id), "job_name": .string(job.name), "namespace": .string(job.namespace),
                "attempt": .integer(Int64(max(run.attempt, 1))),
            ],
            "source": ["type": .string(source.type), "version": .integer(Int64(source.version)), "conf": .object(source.conf)],
            "target": ["type": .string(target.type), "version": .integer(Int64(target.version)), "conf": .object(target.conf)],
            "options": options,
            "cursors": .object(cursorObject),
        ]
        secretValues = source.secretValues + target.secretValues
        dependencies = JobDependencies(connections: [(source.type, source.conf), (target.type, target.conf)])
    }

    /// Writes the spec to a new file readable by dmsd's user only (0600); the caller removes it.
    public func write(to path: String) throws {
        try SecretFile.create(document.serialized(), at: path, what: "the run's spec file")
    }
}

/// Removes every secret value from text before it leaves the engine (logs, errors).
public struct SecretScrubber: Sendable {
    private let secrets: [String]

    /// Scrubs `secrets` (values shorter than 4 characters are left alone: they would mangle
    /// ordinary text, and are no secret worth the name).
    public init(_ secrets: [String]) {
        self.secrets = Array(Set(secrets.filter { $0.count >= 4 })).sorted { $0.count > $1.count }
    }

    public func callAsFunction(_ text: String) -> String {
        var result = text
        for secret in secrets where result.contains(secret) { result = result.replacingOccurrences(of: secret, with: "******") }
        return result
    }
}
