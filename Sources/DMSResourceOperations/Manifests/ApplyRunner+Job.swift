import DMSAPI
import DMSCatalog
import DMSCommandLineOutput
import DMSManifest
import DMSProto

extension ApplyRunner {
    /// Creates or updates a migration job, and pauses or resumes it as the document says.
    public mutating func applyJob(_ document: ManifestDocument, _ spec: ManifestSpec.JobSpec) async throws -> ResourceOutcome {
        let namespace = namespace(of: document)
        let sourceID = try await reference(.source, spec.source, from: document, field: "spec.source")
        let targetID = try await reference(.target, spec.target, from: document, field: "spec.target")
        let current = try await existing(in: namespace) {
            try await client.unary(API.MigrationJobService.getMigrationJob, .named(document.name, namespace: namespace), options: options)
        }
        guard let current else {
            if dryRun {
                remember(document, id: nil)
                return outcome(document, ApplyAction.create.dryRunResult)
            }
            let created = try await client.unary(
                API.MigrationJobService.createMigrationJob,
                Self.createRequest(document, spec, namespace: namespace, sourceID: sourceID, targetID: targetID), options: options)
            remember(document, id: created.id)
            return outcome(document, "created")
        }
        remember(document, id: current.id)
        let action = ApplyDiff.job(spec, sourceID: sourceID, targetID: targetID, current).action
        if dryRun || action == .unchanged { return outcome(document, action.dryRunResult, fields: action.fields) }
        let fields = action.fields ?? []
        var latest = current
        let settings = fields.filter { $0 != "paused" }
        if !settings.isEmpty {
            var request = Dms_V1_UpdateMigrationJobRequest.identified(current.id)
            request.expectedRevision = current.revision
            Self.fill(&request, spec, fields: settings, sourceID: sourceID, targetID: targetID)
            latest = try await client.unary(API.MigrationJobService.updateMigrationJob, request, options: options)
        }
        if let paused = spec.paused, paused != latest.paused {
            latest = try await paused
                ? client.unary(API.MigrationJobService.pauseJob, .identified(current.id), options: options)
                : client.unary(API.MigrationJobService.resumeJob, .identified(current.id), options: options)
        }
        if latest.revision == current.revision, latest.paused == current.paused { return outcome(document, "unchanged") }
        return outcome(document, "configured", fields: fields)
    }

    private static func createRequest(
        _ document: ManifestDocument, _ spec: ManifestSpec.JobSpec, namespace: String, sourceID: String, targetID: String
    ) -> Dms_V1_CreateMigrationJobRequest {
        .with {
            $0.name = document.name
            $0.namespace = namespace
            $0.sourceID = sourceID
            $0.targetID = targetID
            $0.schedule = spec.schedule ?? ""
            $0.timeZone = spec.timeZone ?? ""
            $0.paused = spec.paused ?? false
            $0.options = spec.options.map { JSONValue.object($0).serialized() } ?? ""
            $0.sparkConf = spec.sparkConf ?? [:]
            $0.timeoutSeconds = spec.timeoutSeconds ?? 0
            $0.maxAttempts = spec.maxAttempts ?? 0
            $0.retryBackoffSeconds = spec.retryBackoffSeconds ?? 0
            $0.overlapPolicy = spec.overlapPolicy?.policy ?? .unspecified
            $0.misfirePolicy = spec.misfirePolicy?.policy ?? .unspecified
            $0.misfireMaxRuns = spec.misfireMaxRuns ?? 0
        }
    }

    /// Sets the document's value of each of `fields` (document names) and names it in the mask.
    private static func fill(
        _ request: inout Dms_V1_UpdateMigrationJobRequest, _ spec: ManifestSpec.JobSpec, fields: [String], sourceID: String,
        targetID: String
    ) {
        for field in fields {
            switch field {
            case "source": request.sourceID = sourceID
            case "target": request.targetID = targetID
            case "schedule": request.schedule = spec.schedule ?? ""
            case "timeZone": request.timeZone = spec.timeZone ?? ""
            case "options": request.options = spec.options.map { JSONValue.object($0).serialized() } ?? "{}"
            case "sparkConf": request.sparkConf = spec.sparkConf ?? [:]
            case "timeoutSeconds": request.timeoutSeconds = spec.timeoutSeconds ?? 0
            case "maxAttempts": request.maxAttempts = spec.maxAttempts ?? 0
            case "retryBackoffSeconds": request.retryBackoffSeconds = spec.retryBackoffSeconds ?? 0
            case "overlapPolicy": request.overlapPolicy = spec.overlapPolicy?.policy ?? .unspecified
            case "misfirePolicy": request.misfirePolicy = spec.misfirePolicy?.policy ?? .unspecified
            case "misfireMaxRuns": request.misfireMaxRuns = spec.misfireMaxRuns ?? 0
            default: continue
            }
            request.updateMask.append(maskName[field] ?? field)
        }
    }

    /// The update-mask names of the document's job fields.
    private static let maskName: [String: String] = [
        "source": "source_id", "target": "target_id", "timeZone": "time_zone", "sparkConf": "spark_conf",
        "timeoutSeconds": "timeout_seconds", "maxAttempts": "max_attempts", "retryBackoffSeconds": "retry_backoff_seconds",
        "overlapPolicy": "overlap_policy", "misfirePolicy": "misfire_policy", "misfireMaxRuns": "misfire_max_runs",
    ]
}
