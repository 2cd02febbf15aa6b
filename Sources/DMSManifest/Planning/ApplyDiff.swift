import DMSAPI
import DMSCatalog
import DMSProto
import DMSStructuredText

/// What differs between a document and the resource the server has, per kind. Only fields the
/// document gives are compared; defaults the server shows in other words (`""` and `UTC`, a
/// `max_attempts` of 0 and 1, unspecified policies) compare equal.
public enum ApplyDiff {
    /// A document that asks for something apply cannot do (e.g. change a connection's type).
    public struct Conflict: Error, Sendable {
        /// The document's field.
        public var field: String
        /// Why.
        public var problem: String
    }

    /// A namespace: `description`.
    public static func namespace(_ spec: ManifestSpec.NamespaceSpec, _ current: Dms_V1_Namespace) -> FieldChanges {
        var changes = FieldChanges()
        changes.record("description", desired: spec.description, actual: current.description_p)
        return changes
    }

    /// A connection: `version` (only upwards) and `schema` (fields the server shows at their
    /// `defaults` need not be in the document); its `type` never changes.
    public static func connection(
        _ spec: ManifestSpec.ConnectionSpec, _ current: Dms_V1_Connection, defaults: [String: JSONValue]
    ) throws(Conflict) -> FieldChanges {
        guard spec.type == current.type else {
            throw Conflict(field: "spec.type", problem: "is \"\(current.type)\" on the server; a connection's type never changes")
        }
        var changes = FieldChanges()
        if let version = spec.version, version != current.version {
            guard version > current.version else {
                throw Conflict(field: "spec.version", problem: "the connection is at version \(current.version); versions only go up")
            }
            changes.changed.append("version")
        }
        if let schema = spec.schema {
            let actual = StructuredText.objectOrEmpty(current.schema)
            changes.record("schema", ConfigComparison.compare(desired: schema, actual: actual, defaults: defaults))
        }
        return changes
    }

    /// A source or target: `connection` (as an id) and `conf` (against the server's `overrides`).
    public static func layered(_ spec: ManifestSpec.LayeredSpec, connectionID: String, _ current: some LayeredResource) -> FieldChanges {
        var changes = FieldChanges()
        changes.record("connection", desired: connectionID, actual: current.connectionID)
        if let conf = spec.conf {
            changes.record("conf", ConfigComparison.compare(desired: conf, actual: StructuredText.objectOrEmpty(current.overrides)))
        }
        return changes
    }

    /// A migration job: every field the document gives.
    public static func job(_ spec: ManifestSpec.JobSpec, sourceID: String, targetID: String, _ current: Dms_V1_MigrationJob) -> FieldChanges {
        var changes = FieldChanges()
        changes.record("source", desired: sourceID, actual: current.sourceID)
        changes.record("target", desired: targetID, actual: current.targetID)
        changes.record("schedule", desired: spec.schedule, actual: current.schedule)
        changes.record("timeZone", desired: spec.timeZone.map(zone), actual: zone(current.timeZone))
        if let options = spec.options {
            changes.record("options", ConfigComparison.compare(desired: options, actual: StructuredText.objectOrEmpty(current.options)))
        }
        changes.record("sparkConf", desired: spec.sparkConf, actual: current.sparkConf)
        changes.record("timeoutSeconds", desired: spec.timeoutSeconds, actual: current.timeoutSeconds)
        changes.record("maxAttempts", desired: spec.maxAttempts.map(attempts), actual: attempts(current.maxAttempts))
        changes.record("retryBackoffSeconds", desired: spec.retryBackoffSeconds, actual: current.retryBackoffSeconds)
        changes.record("overlapPolicy", desired: spec.overlapPolicy.map { overlap($0.policy) }, actual: overlap(current.overlapPolicy))
        changes.record("misfirePolicy", desired: spec.misfirePolicy.map { misfire($0.policy) }, actual: misfire(current.misfirePolicy))
        changes.record("misfireMaxRuns", desired: spec.misfireMaxRuns, actual: current.misfireMaxRuns)
        changes.record("paused", desired: spec.paused, actual: current.paused)
        return changes
    }

    private static func zone(_ name: String) -> String { name.isEmpty ? "UTC" : name }
    private static func attempts(_ count: Int32) -> Int32 { max(count, 1) }
    private static func overlap(_ policy: Dms_V1_OverlapPolicy) -> Dms_V1_OverlapPolicy { policy == .unspecified ? .skip : policy }
    private static func misfire(_ policy: Dms_V1_MisfirePolicy) -> Dms_V1_MisfirePolicy { policy == .unspecified ? .once : policy }
}
