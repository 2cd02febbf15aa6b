import Foundation

/// The PySpark job program dmsd ships (Sources/DMSEngine/PySpark, embedded in the binary at build
/// time), written out to a directory from which spark-submit runs it.
public struct JobProgram: Sendable {
    /// Every file of the program, by its path relative to the program's directory. A test checks
    /// that this lists every `.py` file of Sources/DMSEngine/PySpark.
    public static let files: [(path: String, bytes: [UInt8])] = [
        ("dms_job.py", PackageResources.dms_job_py),
        ("dmsjob/__init__.py", PackageResources.__init___py),
        ("dmsjob/bulk.py", PackageResources.bulk_py),
        ("dmsjob/connectors.py", PackageResources.connectors_py),
        ("dmsjob/errors.py", PackageResources.errors_py),
        ("dmsjob/events.py", PackageResources.events_py),
        ("dmsjob/hive.py", PackageResources.hive_py),
        ("dmsjob/lifeline.py", PackageResources.lifeline_py),
        ("dmsjob/probe.py", PackageResources.probe_py),
        ("dmsjob/readers.py", PackageResources.readers_py),
        ("dmsjob/runner.py", PackageResources.runner_py),
        ("dmsjob/server.py", PackageResources.server_py),
        ("dmsjob/session.py", PackageResources.session_py),
        ("dmsjob/sources.py", PackageResources.sources_py),
        ("dmsjob/spec.py", PackageResources.spec_py),
        ("dmsjob/typemap.py", PackageResources.typemap_py),
        ("dmsjob/validation.py", PackageResources.validation_py),
        ("dmsjob/writers.py", PackageResources.writers_py),
    ]

    /// The directory the program was written to.
    public let directory: String

    /// The script spark-submit runs.
    public var mainScript: String { "\(directory)/dms_job.py" }

    /// Writes the program into `directory` (replacing what an older dmsd left there).
    public init(writingTo directory: String) throws {
        self.directory = directory
        let manager = FileManager.default
        try? manager.removeItem(atPath: directory)
        try manager.createDirectory(atPath: "\(directory)/dmsjob", withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        for (path, bytes) in Self.files {
            guard manager.createFile(atPath: "\(directory)/\(path)", contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
                throw EngineError("cannot write the job program to \(directory)/\(path)")
            }
        }
    }
}
