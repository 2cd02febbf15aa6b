import DMSProto

extension Dms_V1_MigrationJob {
    /// Every setting, one `KEY  value` line each; source and target by name when known.
    public func detailTable(sourceName: String?, targetName: String?) -> String {
        let sparkSettings = self.sparkConf.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let nextRuns = nextFireTimes.map { TimestampText.time($0, isSet: true) }.joined(separator: " ")
        return TextTable.keyValues([
            ("name", name),
            ("id", id),
            ("namespace", namespace),
            ("source", sourceName.map { "\($0) (\(sourceID))" } ?? sourceID),
            ("target", targetName.map { "\($0) (\(targetID))" } ?? targetID),
            ("schedule", schedule.isEmpty ? "- (manual runs only)" : schedule),
            ("time zone", timeZone.isEmpty ? "UTC" : timeZone),
            ("paused", paused ? "yes" : "no"),
            ("next runs", nextRuns.isEmpty ? "-" : nextRuns),
            ("timeout", timeoutSeconds == 0 ? "none" : "\(timeoutSeconds)s"),
            ("max attempts", String(max(maxAttempts, 1))),
            ("retry backoff", "\(retryBackoffSeconds)s"),
            ("overlap policy", overlapPolicy.displayName),
            ("misfire policy", misfirePolicy.displayName),
            ("misfire max runs", misfireMaxRuns == 0 ? "default" : String(misfireMaxRuns)),
            ("revision", String(revision)),
            ("created", TimestampText.time(createTime, isSet: hasCreateTime)),
            ("updated", TimestampText.time(updateTime, isSet: hasUpdateTime)),
            ("options", options.isEmpty ? "{}" : options),
            ("spark conf", sparkSettings.isEmpty ? "-" : sparkSettings),
        ])
    }

    /// One row per job: `NAME`, `NAMESPACE`, `SOURCE`, `TARGET`, `SCHEDULE`, `PAUSED`, `REVISION`, `AGE`.
    public static func listTable(_ jobs: [Self], sourceNames: [String: String], targetNames: [String: String]) -> String {
        TextTable.columns(
            ["name", "namespace", "source", "target", "schedule", "paused", "revision", "age"],
            jobs.map {
                [
                    $0.name, $0.namespace, sourceNames[$0.sourceID] ?? $0.sourceID, targetNames[$0.targetID] ?? $0.targetID,
                    $0.schedule.isEmpty ? "-" : $0.schedule, $0.paused ? "yes" : "no", String($0.revision),
                    TimestampText.age($0.createTime, isSet: $0.hasCreateTime),
                ]
            })
    }
}
