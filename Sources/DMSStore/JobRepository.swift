import DMSCatalog
import DMSCron
import DMSPostgres
import DMSProto
import DMSWire
import Foundation
import SwiftProtobuf

/// Migration jobs: a Source and a Target of one namespace, with schedule, options and limits.
public struct JobRepository: Sendable {
    let pool: PostgresPool

    static let columns = """
        id::text AS id, name, namespace, source_id::text AS source_id, target_id::text AS target_id, schedule, time_zone,
        paused, options::text AS options, spark_conf::text AS spark_conf, timeout_seconds, max_attempts,
        retry_backoff_seconds, overlap_policy, misfire_policy, misfire_max_runs, revision,
        \(SQLFragments.time("create_time")), \(SQLFragments.time("update_time"))
        """

    /// The JSON Schema of a job's `options`.
    static let optionsSchema: JSONValue = [
        "type": "object",
        "additionalProperties": false,
        "properties": [
            "validation": [
                "enum": ["none", "count", "checksum"],
                "description": "After writing: compare nothing, row counts per table (default), or order-independent checksums.",
            ],
            "parallelism": ["type": "integer", "minimum": 1, "maximum": 1024, "description": "Tables migrated at once."],
            "dry_run": ["type": "boolean", "description": "Read and validate, write nothing."],
        ],
    ]

    // MARK: Create

    /// Creates a job in `namespace`.
    public func create(_ request: Dms_V1_CreateMigrationJobRequest, namespace: String, scope: AccessScope) async throws -> Dms_V1_MigrationJob {
        var job = Dms_V1_MigrationJob()
        job.name = request.name
        job.namespace = namespace
        job.sourceID = request.sourceID
        job.targetID = request.targetID
        job.schedule = request.schedule
        job.timeZone = request.timeZone
        job.paused = request.paused
        job.options = request.options
        job.sparkConf = request.sparkConf
        job.timeoutSeconds = request.timeoutSeconds
        job.maxAttempts = request.maxAttempts
        job.retryBackoffSeconds = request.retryBackoffSeconds
        job.overlapPolicy = request.overlapPolicy
        job.misfirePolicy = request.misfirePolicy
        job.misfireMaxRuns = request.misfireMaxRuns
        let (normalized, options) = try await validated(job, scope: scope)
        let id = UUID()
        do {
            let row = try await pool.withConnection { db in
                try db.query(
                    """
                    INSERT INTO migration_jobs (id, name, namespace, source_id, target_id, schedule, time_zone, paused, options,
                        spark_conf, timeout_seconds, max_attempts, retry_backoff_seconds, overlap_policy, misfire_policy, misfire_max_runs)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10::jsonb, $11, $12, $13, $14, $15, $16)
                    RETURNING \(Self.columns)
                    """,
                    Self.parameters(id: id, normalized, options: options)
                ).first!
            }
            return try Self.job(row)
        } catch let error as PostgresError where error.code == .uniqueViolation {
            throw RPCError(.alreadyExists, "namespace \"\(namespace)\" already has a migration job named \"\(request.name)\"")
        } catch let error as PostgresError where error.code == .foreignKeyViolation {
            throw RPCError(.failedPrecondition, "the source or target was deleted meanwhile, or namespace \"\(namespace)\" does not exist")
        }
    }

    // MARK: Read

    /// One job within `scope`.
    public func get(_ key: ResourceKey, scope: AccessScope) async throws -> Dms_V1_MigrationJob {
        let condition = key.condition(first: 1, scope: scope)
        let row = try await pool.withConnection { try $0.query("SELECT \(Self.columns) FROM migration_jobs WHERE \(condition.sql)", condition.parameters).first }
        guard let row else { throw RPCError(.notFound, "no migration job \(key.display)") }
        return try Self.job(row)
    }

    /// A page of jobs ordered by name, then namespace.
    public func list(_ request: Dms_V1_ListMigrationJobsRequest, namespace: String?) async throws -> Dms_V1_ListMigrationJobsResponse {
        let size = try Paging.size(request.pageSize)
        let after = try Paging.namespacedAfter(request.pageToken)
        var violations = [RPCError.FieldViolation]()
        let source = Self.optionalID(request.sourceID, field: "source_id", violations: &violations)
        let target = Self.optionalID(request.targetID, field: "target_id", violations: &violations)
        guard violations.isEmpty else { throw RPCError.invalidArgument(violations) }
        let rows = try await pool.withConnection { db in
            Array(
                try db.query(
                    """
                    SELECT \(Self.columns) FROM migration_jobs
                    WHERE (name, namespace) > ($1, $2) AND name LIKE $3 AND ($4::text IS NULL OR namespace = $4)
                      AND ($5::uuid IS NULL OR source_id = $5::uuid) AND ($6::uuid IS NULL OR target_id = $6::uuid)
                    ORDER BY name, namespace LIMIT $7
                    """, after.name, after.namespace, Paging.likePrefix(request.namePrefix), namespace, source, target, size + 1))
        }
        let page = Paging.page(rows, size: size) { Paging.key(name: (try? $0.string("name")) ?? "", namespace: (try? $0.string("namespace")) ?? "") }
        var response = Dms_V1_ListMigrationJobsResponse()
        response.migrationJobs = try page.rows.map(Self.job)
        response.nextPageToken = page.next
        return response
    }

    // MARK: Update

    /// Applies the fields the mask names (or the non-empty ones); no change keeps the revision.
    public func update(_ request: Dms_V1_UpdateMigrationJobRequest, key: ResourceKey, scope: AccessScope) async throws -> Dms_V1_MigrationJob {
        var violations = [RPCError.FieldViolation]()
        let mask = UpdateMask(
            request.updateMask,
            allowed: [
                "new_name", "source_id", "target_id", "schedule", "time_zone", "options", "spark_conf", "timeout_seconds",
                "max_attempts", "retry_backoff_seconds", "overlap_policy", "misfire_policy", "misfire_max_runs",
            ], violations: &violations)
        if request.expectedRevision <= 0 { violations.append(.init(field: "expected_revision", description: "required: the revision you read")) }
        guard violations.isEmpty else { throw RPCError.invalidArgument(violations) }
        let current = try await get(key, scope: scope)
        try scope.checkWrite(current.namespace)
        var job = current
        if mask.includes("new_name", nonEmpty: !request.newName.isEmpty) { job.name = request.newName }
        if mask.includes("source_id", nonEmpty: !request.sourceID.isEmpty) { job.sourceID = request.sourceID }
        if mask.includes("target_id", nonEmpty: !request.targetID.isEmpty) { job.targetID = request.targetID }
        if mask.includes("schedule", nonEmpty: !request.schedule.isEmpty) { job.schedule = request.schedule }
        if mask.includes("time_zone", nonEmpty: !request.timeZone.isEmpty) { job.timeZone = request.timeZone }
        if mask.includes("options", nonEmpty: !request.options.isEmpty) { job.options = request.options }
        if mask.includes("spark_conf", nonEmpty: !request.sparkConf.isEmpty) { job.sparkConf = request.sparkConf }
        if mask.includes("timeout_seconds", nonEmpty: request.timeoutSeconds != 0) { job.timeoutSeconds = request.timeoutSeconds }
        if mask.includes("max_attempts", nonEmpty: request.maxAttempts != 0) { job.maxAttempts = request.maxAttempts }
        if mask.includes("retry_backoff_seconds", nonEmpty: request.retryBackoffSeconds != 0) { job.retryBackoffSeconds = request.retryBackoffSeconds }
        if mask.includes("overlap_policy", nonEmpty: request.overlapPolicy != .unspecified) { job.overlapPolicy = request.overlapPolicy }
        if mask.includes("misfire_policy", nonEmpty: request.misfirePolicy != .unspecified) { job.misfirePolicy = request.misfirePolicy }
        if mask.includes("misfire_max_runs", nonEmpty: request.misfireMaxRuns != 0) { job.misfireMaxRuns = request.misfireMaxRuns }
        let (normalized, options) = try await validated(job, scope: scope)
        if normalized == current {
            guard current.revision == request.expectedRevision else { throw stale(current, request.expectedRevision) }
            return current
        }
        let id = UUID(text: current.id)!
        let parameters = Self.parameters(id: id, normalized, options: options)
        let updated: PostgresRow?
        do {
            updated = try await pool.withConnection { db in
                try db.query(
                    """
                    UPDATE migration_jobs SET name = $2, namespace = $3, source_id = $4, target_id = $5, schedule = $6,
                        time_zone = $7, paused = $8, options = $9::jsonb, spark_conf = $10::jsonb, timeout_seconds = $11,
                        max_attempts = $12, retry_backoff_seconds = $13, overlap_policy = $14, misfire_policy = $15,
                        misfire_max_runs = $16, revision = revision + 1, update_time = now(),
                        next_fire_time = CASE WHEN schedule = $6 AND time_zone = $7 THEN next_fire_time END
                    WHERE id = $1 AND revision = $17 RETURNING \(Self.columns)
                    """, parameters + [request.expectedRevision]
                ).first
            }
        } catch let error as PostgresError where error.code == .uniqueViolation {
            throw RPCError(.alreadyExists, "namespace \"\(current.namespace)\" already has a migration job named \"\(job.name)\"")
        }
        guard let updated else { throw stale(current, request.expectedRevision) }
        return try Self.job(updated)
    }

    /// Pauses (or resumes) a job's schedule; doing it twice changes nothing. On resume, the ticks
    /// that came while it was paused count as missed (its misfire policy applies to them).
    public func setPaused(_ paused: Bool, key: ResourceKey, scope: AccessScope) async throws -> Dms_V1_MigrationJob {
        let current = try await get(key, scope: scope)
        try scope.checkWrite(current.namespace)
        guard current.paused != paused else { return current }
        let row = try await pool.withConnection { db in
            try db.query(
                """
                UPDATE migration_jobs SET paused = $2, revision = revision + 1, update_time = now(),
                    missed_before = CASE WHEN $2 THEN missed_before ELSE now() END
                WHERE id = $1 RETURNING \(Self.columns)
                """,
                UUID(text: current.id)!, paused
            ).first
        }
        guard let row else { throw RPCError(.notFound, "no migration job \(key.display)") }
        return try Self.job(row)
    }

    // MARK: Delete

    /// Deletes a job with its ended runs; refused while one of its runs has not ended.
    public func delete(key: ResourceKey, expectedRevision: Int64, scope: AccessScope) async throws {
        let current = try await get(key, scope: scope)
        try scope.checkWrite(current.namespace)
        let id = UUID(text: current.id)!
        let deleted = try await pool.withTransaction { db in
            let active = try db.query(
                """
                SELECT id::text AS id FROM migration_job_runs WHERE migration_job_id = $1 AND state IN ('fresh', 'queued', 'running')
                ORDER BY create_time LIMIT 5 FOR UPDATE
                """, id)
            if !active.isEmpty {
                let ids = try active.map { try $0.string("id") }.joined(separator: ", ")
                throw RPCError(.failedPrecondition, "migration job \"\(current.name)\" has runs that have not ended (\(ids)): cancel them first")
            }
            return try db.query("DELETE FROM migration_jobs WHERE id = $1 AND ($2 = 0 OR revision = $2)", id, expectedRevision).affectedRows == 1
        }
        if !deleted { throw stale(current, expectedRevision) }
    }

    // MARK: Validation

    /// The job with defaults applied and its options parsed, or INVALID_ARGUMENT with every violation.
    private func validated(_ input: Dms_V1_MigrationJob, scope: AccessScope) async throws -> (Dms_V1_MigrationJob, [String: JSONValue]) {
        var job = input
        var violations = [RPCError.FieldViolation]()
        if let reason = ResourceName.validate(job.name) { violations.append(.init(field: "name", description: reason)) }
        try await checkReferences(of: job, scope: scope, violations: &violations)
        if !job.schedule.trimmingCharacters(in: .whitespaces).isEmpty {
            // The syntax alone (in UTC): a bad time zone is time_zone's violation.
            do {
                _ = try CronSchedule(job.schedule, timeZone: "UTC")
            } catch {
                violations.append(.init(field: "schedule", description: error.description))
            }
        }
        if job.timeZone.isEmpty { job.timeZone = "UTC" }
        if TimeZone(identifier: job.timeZone) == nil {
            violations.append(.init(field: "time_zone", description: "unknown time zone; use an IANA name such as \"Europe/Berlin\" or \"UTC\""))
        }
        let options = JSONField.object(job.options, field: "options", emptyIsObject: true, violations: &violations) ?? [:]
        violations += JSONSchema(Self.optionsSchema).validate(.object(options)).map { $0.field(under: "options") }
        job.options = options.jsonText
        for key in job.sparkConf.keys.sorted() where !key.hasPrefix("spark.") {
            violations.append(.init(field: "spark_conf[\(JSONValue.string(key).serialized())]", description: "Spark settings start with \"spark.\""))
        }
        if job.timeoutSeconds < 0 { violations.append(.init(field: "timeout_seconds", description: "must not be negative (0: no limit)")) }
        if job.maxAttempts < 0 || job.maxAttempts > 100 { violations.append(.init(field: "max_attempts", description: "must be 0 to 100 (0 or 1: no retry)")) }
        if job.maxAttempts == 0 { job.maxAttempts = 1 }
        if job.retryBackoffSeconds < 0 { violations.append(.init(field: "retry_backoff_seconds", description: "must not be negative")) }
        if job.retryBackoffSeconds == 0 { job.retryBackoffSeconds = 60 }
        switch job.overlapPolicy {
        case .unspecified: job.overlapPolicy = .skip
        case .skip, .queue: break
        case .UNRECOGNIZED: violations.append(.init(field: "overlap_policy", description: "unknown value"))
        }
        switch job.misfirePolicy {
        case .unspecified: job.misfirePolicy = .once
        case .skip, .once, .all: break
        case .UNRECOGNIZED: violations.append(.init(field: "misfire_policy", description: "unknown value"))
        }
        if job.misfireMaxRuns < 0 { violations.append(.init(field: "misfire_max_runs", description: "must not be negative")) }
        guard violations.isEmpty else { throw RPCError.invalidArgument(violations.sorted { $0.field < $1.field }) }
        return (job, options)
    }

    /// Adds a violation for each of the job's Source and Target ids that is malformed, unknown (or
    /// out of the caller's reach), or of another namespace. One query looks up both; a database
    /// failure is thrown, never mistaken for "no such source".
    private func checkReferences(of job: Dms_V1_MigrationJob, scope: AccessScope, violations: inout [RPCError.FieldViolation]) async throws {
        func parsed(_ text: String, field: String) -> UUID? {
            if text.isEmpty {
                violations.append(.init(field: field, description: "required"))
            } else if let id = UUID(text: text) {
                return id
            } else {
                violations.append(.init(field: field, description: "is not an id of this server (a UUID)"))
            }
            return nil
        }
        let sourceID = parsed(job.sourceID, field: "source_id")
        let targetID = parsed(job.targetID, field: "target_id")
        guard sourceID != nil || targetID != nil else { return }
        let owners = try await pool.withConnection { db in
            try db.query(
                """
                SELECT (SELECT namespace FROM sources WHERE id = $1 AND ($3::text IS NULL OR namespace = $3)) AS source_namespace,
                       (SELECT namespace FROM targets WHERE id = $2 AND ($3::text IS NULL OR namespace = $3)) AS target_namespace
                """, sourceID, targetID, scope.namespace
            ).first
        }
        for (field, noun, id, column) in [("source_id", "source", sourceID, "source_namespace"), ("target_id", "target", targetID, "target_namespace")] where id != nil {
            guard let owner = try owners?.text(column) else {
                violations.append(.init(field: field, description: "no such \(noun)"))
                continue
            }
            if owner != job.namespace {
                violations.append(
                    .init(
                        field: field,
                        description: "the \(noun) is in namespace \"\(owner)\"; a job may only pair resources of its own namespace \"\(job.namespace)\""))
            }
        }
    }

    private static func optionalID(_ text: String, field: String, violations: inout [RPCError.FieldViolation]) -> String? {
        guard !text.isEmpty else { return nil }
        guard let id = UUID(text: text) else {
            violations.append(.init(field: field, description: "is not an id of this server (a UUID)"))
            return nil
        }
        return id.text
    }

    private static func parameters(id: UUID, _ job: Dms_V1_MigrationJob, options: [String: JSONValue]) -> [any PostgresBindable] {
        [
            id, job.name, job.namespace, job.sourceID.lowercased(), job.targetID.lowercased(), job.schedule, job.timeZone, job.paused,
            options.jsonText, JSONValue.object(job.sparkConf.mapValues { .string($0) }).serialized(), job.timeoutSeconds,
            job.maxAttempts, job.retryBackoffSeconds, job.overlapPolicy.rawValue, job.misfirePolicy.rawValue, job.misfireMaxRuns,
        ]
    }

    static func job(_ row: PostgresRow) throws -> Dms_V1_MigrationJob {
        var job = Dms_V1_MigrationJob()
        job.id = try row.string("id")
        job.name = try row.string("name")
        job.namespace = try row.string("namespace")
        job.sourceID = try row.string("source_id")
        job.targetID = try row.string("target_id")
        job.schedule = try row.string("schedule")
        job.timeZone = try row.string("time_zone")
        job.paused = try row.bool("paused")
        job.options = try row.object("options").jsonText
        job.sparkConf = try row.object("spark_conf").compactMapValues(\.stringValue)
        job.timeoutSeconds = try row.int64("timeout_seconds")
        job.maxAttempts = Int32(try row.int64("max_attempts"))
        job.retryBackoffSeconds = try row.int64("retry_backoff_seconds")
        job.overlapPolicy = Dms_V1_OverlapPolicy(rawValue: Int(try row.int64("overlap_policy"))) ?? .skip
        job.misfirePolicy = Dms_V1_MisfirePolicy(rawValue: Int(try row.int64("misfire_policy"))) ?? .once
        job.misfireMaxRuns = Int32(try row.int64("misfire_max_runs"))
        job.revision = try row.int64("revision")
        job.createTime = try row.timestamp("create_time_us")
        job.updateTime = try row.timestamp("update_time_us")
        job.nextFireTimes = Self.nextFireTimes(job)
        return job
    }

    /// The schedule's next five ticks from now; none without a schedule or while paused.
    static func nextFireTimes(_ job: Dms_V1_MigrationJob) -> [Google_Protobuf_Timestamp] {
        guard !job.paused, !job.schedule.isEmpty, let schedule = try? CronSchedule(job.schedule, timeZone: job.timeZone.isEmpty ? "UTC" : job.timeZone)
        else { return [] }
        return schedule.next(5, after: Date()).map { Google_Protobuf_Timestamp(date: $0) }
    }

    private func stale(_ current: Dms_V1_MigrationJob, _ expected: Int64) -> RPCError {
        RPCError(.aborted, "migration job \"\(current.name)\" changed since revision \(expected) (now \(current.revision)): read it again")
    }
}
