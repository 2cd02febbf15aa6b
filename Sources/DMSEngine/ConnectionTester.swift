import DMSCatalog
import DMSProto
import DMSStore
import Foundation

/// Answers TestConnection: can DMS reach a connection's store with its configuration, and if not,
/// why. PostgreSQL is tried here, through libpq; every other connector by the job program's probe
/// (`dms_job.py probe`, Python without Spark), killed when its time is up. The answer never holds
/// a secret: messages are built from host, port, user and path, and scrubbed of the secret values.
public struct ConnectionTester: Sendable {
    /// The longest a test may take when the call's deadline allows more.
    public static let defaultTimeout: Duration = .seconds(10)

    let settings: SparkSettings
    let program: JobProgram

    /// A tester that runs probes with `settings.python` and the job program in `program`.
    init(settings: SparkSettings, program: JobProgram) {
        self.settings = settings
        self.program = program
    }

    /// Where probe specs go (created by ``SparkEngine``, 0700).
    var probeDirectory: String { "\(settings.workDirectory)/probes" }

    /// Tests `configuration` within `timeout` (at least one second). Never throws: a store that
    /// cannot be reached, or a probe that cannot run, is an answer with `ok` false.
    public func test(_ configuration: RuntimeConfiguration, timeout: Duration) async -> Dms_V1_TestConnectionResponse {
        let timeout = max(timeout, .seconds(1))
        let started = ContinuousClock.now
        var response: Dms_V1_TestConnectionResponse
        if configuration.type == "postgres" {
            response = await testPostgres(configuration.conf, timeout: timeout)
        } else {
            response = await probe(configuration, timeout: timeout)
        }
        if response.latencyMs == 0 { response.latencyMs = (ContinuousClock.now - started).inMilliseconds }
        let scrub = SecretScrubber(configuration.secretValues)
        response.message = scrub(response.message)
        response.serverVersion = scrub(response.serverVersion)
        return response
    }

    /// Runs the job program's probe for `configuration` and reads its one-line answer.
    func probe(_ configuration: RuntimeConfiguration, timeout: Duration) async -> Dms_V1_TestConnectionResponse {
        let seconds = Int((timeout.inMilliseconds / 1000).rounded(.up))
        let spec: JSONValue = [
            "probe_version": .integer(1), "type": .string(configuration.type), "version": .integer(Int64(configuration.version)),
            "conf": .object(configuration.conf), "timeout_seconds": .integer(Int64(seconds)),
        ]
        let path = "\(probeDirectory)/\(UUID().uuidString.lowercased()).json"
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            try SecretFile.create(spec.serialized(), at: path, what: "the connection probe's spec file")
            let child = try ChildProcess(
                executable: Self.executablePath(settings.python), arguments: [program.mainScript, "probe", "--spec", path],
                environment: SubmitLauncher.environment(settings: settings))
            // The probe honours the timeout itself; Python's start-up gets a few seconds on top.
            let lines = try await Self.collectLines(of: child, within: timeout + .seconds(5))
            if let answer = lines.last(where: { $0.stream == .stdout && $0.text.hasPrefix("{") }),
                let response = Self.response(fromProbeLine: answer.text)
            {
                return response
            }
            let reason = lines.last { $0.stream == .stderr && !$0.text.isEmpty }?.text ?? "no answer"
            return Self.failed("the connection probe failed: \(reason)")
        } catch let error as ProbeTimeout {
            return Self.failed("timed out after \(Int(error.after.inMilliseconds / 1000)) s: the connection probe did not answer")
        } catch {
            return Self.failed("cannot run the connection probe: \(error)")
        }
    }

    /// `program` as a path: a bare name (`python3`, when no virtual environment is configured) is
    /// looked up on `PATH`, as a shell would; ``ChildProcess`` starts paths only.
    static func executablePath(_ program: String) -> String {
        guard !program.contains("/") else { return program }
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        return directories.map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) } ?? program
    }

    /// The answer line of a probe, or nil when it is not one.
    static func response(fromProbeLine line: String) -> Dms_V1_TestConnectionResponse? {
        guard let object = (try? JSONValue(parsing: line))?.objectValue, let ok = object["ok"]?.boolValue else { return nil }
        var response = Dms_V1_TestConnectionResponse()
        response.ok = ok
        response.message = object["message"]?.stringValue ?? ""
        response.serverVersion = object["server_version"]?.stringValue ?? ""
        response.latencyMs = object["latency_ms"]?.doubleValue ?? 0
        return response
    }

    /// Every line `child` writes until it exits; stops its process group when `limit` passes first.
    static func collectLines(of child: ChildProcess, within limit: Duration) async throws -> [ChildProcess.Line] {
        let outcome = await withTaskGroup(of: [ChildProcess.Line]?.self) { group in
            group.addTask {
                var lines = [ChildProcess.Line]()
                for await line in child.lines { lines.append(line) }
                _ = await child.status()
                return lines
            }
            group.addTask {
                try? await Task.sleep(for: limit)
                return nil
            }
            let first = await group.next() ?? nil
            if first == nil { await child.stop(grace: .milliseconds(500)) }
            group.cancelAll()
            await group.waitForAll()
            return first
        }
        guard let outcome else { throw ProbeTimeout(after: limit) }
        return outcome
    }

    /// A failed test saying `message`.
    static func failed(_ message: String, latency: Duration? = nil) -> Dms_V1_TestConnectionResponse {
        var response = Dms_V1_TestConnectionResponse()
        response.ok = false
        response.message = message
        if let latency { response.latencyMs = latency.inMilliseconds }
        return response
    }

    /// A probe that outlived its time.
    struct ProbeTimeout: Error {
        let after: Duration
    }
}

extension Duration {
    /// The duration in (fractional) milliseconds.
    var inMilliseconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) * 1000 + Double(attoseconds) / 1e15
    }
}
