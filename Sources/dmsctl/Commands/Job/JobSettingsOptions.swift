import ArgumentParser
import DMSManifest
import DMSProto

/// The settings of a migration job that `job create` and `job update` take as flags. On update,
/// only the flags given change (each is named in the update mask, so `--schedule ""` clears the
/// schedule).
struct JobSettingsOptions: ParsableArguments, Sendable {
    @Option(help: ArgumentHelp("A cron expression: five fields, minute first (\"0 3 * * *\"), or six with seconds first; \"\": manual runs only.", valueName: "cron"))
    var schedule: String?

    @Option(help: ArgumentHelp("The IANA time zone the schedule is read in (default UTC).", valueName: "zone"))
    var timeZone: String?

    @Option(help: ArgumentHelp("What to move and how, as a JSON or YAML object in a file; - reads stdin.", valueName: "file"))
    var optionsFile: String?

    @Option(help: ArgumentHelp("A Spark setting for the job's applications. Repeatable; on update the given ones replace all.", valueName: "key=value"))
    var sparkConf: [String] = []

    @Option(help: ArgumentHelp("Stop and fail a run still going after this many seconds; 0: no limit.", valueName: "seconds"))
    var timeoutSeconds: Int64?

    @Option(help: ArgumentHelp("Attempts in all for one run, the first included; 0 or 1: no retry.", valueName: "n"))
    var maxAttempts: Int32?

    @Option(help: ArgumentHelp("The base wait before a retry: attempt n+1 waits between half and all of this × 2^(n-1).", valueName: "seconds"))
    var retryBackoffSeconds: Int64?

    @Option(help: "A tick while a run is in progress: skip it, or queue a run.")
    var overlapPolicy: OverlapPolicyName?

    @Option(help: "Ticks missed while dmsd was down or the job paused: skip them, one run, or a run each.")
    var misfirePolicy: MisfirePolicyName?

    @Option(help: ArgumentHelp("With --misfire-policy all: the most runs for missed ticks; 0: the server's default (10).", valueName: "n"))
    var misfireMaxRuns: Int32?

    func validate() throws {
        _ = try sparkSettings()
        for (flag, value) in [("--timeout-seconds", timeoutSeconds), ("--retry-backoff-seconds", retryBackoffSeconds)] {
            if let value, value < 0 { throw ValidationError("\(flag) must not be negative") }
        }
        for (flag, value) in [("--max-attempts", maxAttempts), ("--misfire-max-runs", misfireMaxRuns)] {
            if let value, value < 0 { throw ValidationError("\(flag) must not be negative") }
        }
    }

    /// `--spark-conf` as a map.
    func sparkSettings() throws -> [String: String] {
        var settings: [String: String] = [:]
        for text in sparkConf {
            guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
                throw ValidationError("--spark-conf expects key=value, e.g. spark.executor.memory=4g")
            }
            settings[String(text[..<equals])] = String(text[text.index(after: equals)...])
        }
        return settings
    }

    /// Puts the given settings into a create request.
    func fill(_ request: inout Dms_V1_CreateMigrationJobRequest) throws {
        if let schedule { request.schedule = schedule }
        if let timeZone { request.timeZone = timeZone }
        request.sparkConf = try sparkSettings()
        if let timeoutSeconds { request.timeoutSeconds = timeoutSeconds }
        if let maxAttempts { request.maxAttempts = maxAttempts }
        if let retryBackoffSeconds { request.retryBackoffSeconds = retryBackoffSeconds }
        if let overlapPolicy { request.overlapPolicy = overlapPolicy.policy }
        if let misfirePolicy { request.misfirePolicy = misfirePolicy.policy }
        if let misfireMaxRuns { request.misfireMaxRuns = misfireMaxRuns }
    }

    /// Puts the given settings into an update request, naming each in its update mask.
    func fill(_ request: inout Dms_V1_UpdateMigrationJobRequest) throws {
        func set<Value>(_ value: Value?, _ field: String, _ keyPath: WritableKeyPath<Dms_V1_UpdateMigrationJobRequest, Value>) {
            guard let value else { return }
            request[keyPath: keyPath] = value
            request.updateMask.append(field)
        }
        set(schedule, "schedule", \.schedule)
        set(timeZone, "time_zone", \.timeZone)
        set(sparkConf.isEmpty ? nil : try sparkSettings(), "spark_conf", \.sparkConf)
        set(timeoutSeconds, "timeout_seconds", \.timeoutSeconds)
        set(maxAttempts, "max_attempts", \.maxAttempts)
        set(retryBackoffSeconds, "retry_backoff_seconds", \.retryBackoffSeconds)
        set(overlapPolicy?.policy, "overlap_policy", \.overlapPolicy)
        set(misfirePolicy?.policy, "misfire_policy", \.misfirePolicy)
        set(misfireMaxRuns, "misfire_max_runs", \.misfireMaxRuns)
    }
}
