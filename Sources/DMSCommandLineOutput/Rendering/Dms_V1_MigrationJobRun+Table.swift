import DMSProto
import Foundation

extension Dms_V1_MigrationJobRun: TableRepresentable {
    /// Every field, one `KEY  value` line each, then one row per table.
    public var tableText: String {
        var pairs: [(key: String, value: String)] = [
            ("run", id),
            ("job", migrationJobID),
            ("namespace", namespace),
            ("state", state.displayName + (cancelRequested && state == .running ? " (cancel requested)" : "") + (skipped ? " (skipped)" : "")),
            ("trigger", trigger.displayName),
            ("attempt", String(attempt) + (retryOfRunID.isEmpty ? "" : " (retry of \(retryOfRunID))")),
            ("created", TimestampText.time(createTime, isSet: hasCreateTime)),
            ("started", TimestampText.time(startTime, isSet: hasStartTime)),
            ("ended", TimestampText.time(endTime, isSet: hasEndTime)),
            ("duration", durationText),
            ("spark app", sparkApplicationID.isEmpty ? "-" : sparkApplicationID),
            ("replica", replica.isEmpty ? "-" : replica),
            ("rows", "\(metrics.totals.rowsRead) read, \(metrics.totals.rowsWritten) written"),
        ]
        if hasScheduledTime {
            var tick = TimestampText.time(scheduledTime, isSet: true)
            if ticks > 1 { tick += " (stands for \(ticks) ticks from \(TimestampText.time(firstTickTime, isSet: hasFirstTickTime)))" }
            pairs.insert(("scheduled", tick), at: 5)
        }
        if !overlappedRunID.isEmpty { pairs.append(("overlapped", overlappedRunID)) }
        if !error.isEmpty { pairs.append(("error", error)) }
        var text = TextTable.keyValues(pairs)
        if !metrics.tables.isEmpty { text += "\n" + Self.tablesTable(metrics.tables) }
        return text
    }

    /// `h:mm:ss` from start to end (or to now while running); `-` before it starts.
    public var durationText: String {
        guard hasStartTime else { return "-" }
        let end = hasEndTime ? endTime.date : Date()
        return DurationText.seconds(max(0, end.timeIntervalSince(startTime.date)))
    }

    /// One row per table of a run.
    public static func tablesTable(_ tables: [Dms_V1_TableMetrics]) -> String {
        TextTable.columns(
            ["table", "target", "state", "path", "rows read", "rows written", "splits", "error"],
            tables.map {
                [
                    $0.table, $0.targetTable, $0.state.displayName, $0.path.isEmpty ? "-" : $0.path, String($0.rowsRead), String($0.rowsWritten),
                    String($0.splits), $0.error.isEmpty ? "-" : $0.error,
                ]
            })
    }

    /// One row per run: `RUN`, `JOB`, `STATE`, `TRIGGER`, `ATTEMPT`, `ROWS`, `STARTED`, `DURATION`.
    public static func listTable(_ runs: [Self], jobNames: [String: String]) -> String {
        TextTable.columns(
            ["run", "job", "state", "trigger", "attempt", "rows", "created", "duration"],
            runs.map {
                [
                    $0.id, jobNames[$0.migrationJobID] ?? $0.migrationJobID, $0.state.displayName + ($0.skipped ? " (skipped)" : ""),
                    $0.trigger.displayName, String($0.attempt),
                    String($0.metrics.totals.rowsWritten), TimestampText.age($0.createTime, isSet: $0.hasCreateTime), $0.durationText,
                ]
            })
    }

    /// One line of live progress: state, phase, tables, a bar when the fraction is known, rows.
    public var progressLine: String {
        var parts = [state.displayName]
        if !progress.phase.isEmpty, progress.phase.uppercased() != state.displayName { parts.append(progress.phase) }
        if progress.tablesTotal > 0 { parts.append("\(progress.tablesDone)/\(progress.tablesTotal) tables") }
        if progress.fraction > 0 || state == .running {
            let width = 20
            let filled = Int((progress.fraction * Double(width)).rounded(.down))
            parts.append("[" + String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled) + "] "
                + String(format: "%3.0f%%", progress.fraction * 100))
        }
        if metrics.totals.rowsWritten > 0 || metrics.totals.rowsRead > 0 { parts.append("\(metrics.totals.rowsWritten) rows written") }
        if let current = metrics.tables.first(where: { $0.state == .running }) {
            parts.append("\(current.table): \(current.rowsWritten) rows")
        }
        if !error.isEmpty { parts.append("error: \(error)") }
        return parts.joined(separator: "  ")
    }
}

extension Dms_V1_TableMetrics.State {
    /// `PENDING`, `RUNNING`, `SUCCEEDED`, `FAILED`, `SKIPPED`.
    public var displayName: String {
        switch self {
        case .unspecified: "-"
        case .pending: "PENDING"
        case .running: "RUNNING"
        case .succeeded: "SUCCEEDED"
        case .failed: "FAILED"
        case .skipped: "SKIPPED"
        case .UNRECOGNIZED(let value): "STATE_\(value)"
        }
    }
}
