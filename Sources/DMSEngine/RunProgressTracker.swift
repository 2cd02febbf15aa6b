import DMSCatalog
import DMSProto
import DMSStore
import Foundation

/// Turns the job program's events into the run's metrics and progress, and into readable log
/// lines. Pure: the supervisor decides when to store what it holds.
struct RunProgressTracker {
    private(set) var metrics = Dms_V1_RunMetrics()
    private(set) var progress = Dms_V1_RunProgress()
    private(set) var sparkApplicationID: String?
    /// The `result` event, once seen.
    private(set) var result: EngineEvent?
    private var rowsTotal = [String: Int64]()

    /// Applies `event`; returns a line for the run's log, if the event is worth one.
    mutating func apply(_ event: EngineEvent) -> String? {
        switch event.name {
        case "started":
            sparkApplicationID = event.string("application_id")
            progress.phase = "planning"
            return "[dms] Spark application \(sparkApplicationID ?? "?") started (Spark \(event.string("spark_version") ?? "?"))"
        case "plan":
            let tables = event.fields["tables"]?.arrayValue ?? []
            metrics.tables = tables.compactMap { $0.objectValue }.map { table in
                var entry = Dms_V1_TableMetrics()
                entry.table = table["table"]?.stringValue ?? ""
                entry.targetTable = table["target_table"]?.stringValue ?? ""
                entry.state = .pending
                entry.path = table["path"]?.stringValue ?? ""
                entry.pathReason = table["path_reason"]?.stringValue ?? ""
                entry.splits = Int32(clamping: table["splits"]?.integerValue ?? 0)
                return entry
            }
            progress.phase = "copying"
            progress.tablesTotal = Int32(metrics.tables.count)
            updateTotals()
            let lines = metrics.tables.map { "[dms]   \($0.table) → \($0.targetTable): \($0.path) (\($0.pathReason)), \($0.splits) split(s)" }
            return (["[dms] plan: \(metrics.tables.count) table(s)"] + lines).joined(separator: "\n")
        case "table_started":
            update(event.string("table")) { $0.state = .running }
            return "[dms] \(event.string("table") ?? "?"): started"
        case "progress":
            let table = event.string("table") ?? ""
            if let total = event.int("rows_total") { rowsTotal[table] = total }
            if let written = event.int("rows_written") { update(table) { $0.rowsWritten = written } }
            updateTotals()
            return nil
        case "table_done":
            let table = event.string("table") ?? ""
            update(table) { entry in
                entry.state = event.string("state") == "skipped" ? .skipped : .succeeded
                entry.rowsRead = event.int("rows_read") ?? entry.rowsRead
                entry.rowsWritten = event.int("rows_written") ?? entry.rowsWritten
                entry.bytes = event.int("bytes") ?? entry.bytes
                entry.durationMs = event.int("duration_ms") ?? entry.durationMs
            }
            progress.tablesDone += 1
            updateTotals()
            return "[dms] \(table): \(event.string("state") ?? "done"), \(event.int("rows_read") ?? 0) rows read, \(event.int("rows_written") ?? 0) written"
        case "table_failed":
            let table = event.string("table") ?? ""
            update(table) { entry in
                entry.state = .failed
                entry.error = event.string("error") ?? ""
            }
            return "[dms] \(table): failed: \(event.string("error") ?? "")"
        case "validation":
            progress.phase = "validating"
            let ok = event.bool("ok") ?? false
            return "[dms] \(event.string("table") ?? "?"): validation \(ok ? "passed" : "FAILED"): source \(event.int("source_rows") ?? -1) rows, target \(event.int("target_rows") ?? -1) rows"
                + (event.string("detail").map { " (\($0))" } ?? "")
        case "log":
            return "[\(event.string("level") ?? "info")] \(event.string("message") ?? "")"
        case "result":
            result = event
            metrics.totals.durationMs = event.int("duration_ms") ?? metrics.totals.durationMs
            progress.phase = event.string("state") ?? "done"
            if event.string("state") == "succeeded" { progress.fraction = 1 }
            return "[dms] result: \(event.string("state") ?? "?")" + (event.string("error").map { ": \($0)" } ?? "")
        default:
            return nil
        }
    }

    /// The incremental cursors of a successful result.
    var cursors: [JobCursor] {
        guard let object = result?.fields["cursors"]?.objectValue else { return [] }
        return object.keys.sorted().compactMap { table in
            switch object[table] {
            case .object(let cursor)?:
                guard let column = cursor["column"]?.stringValue, let value = cursor["value"] else { return nil }
                return JobCursor(table: table, column: column, value: value.stringValue ?? value.serialized())
            default:
                return nil
            }
        }
    }

    private mutating func update(_ table: String?, _ change: (inout Dms_V1_TableMetrics) -> Void) {
        guard let table else { return }
        if let index = metrics.tables.firstIndex(where: { $0.table == table }) {
            change(&metrics.tables[index])
        } else {
            var entry = Dms_V1_TableMetrics()
            entry.table = table
            change(&entry)
            metrics.tables.append(entry)
        }
    }

    private mutating func updateTotals() {
        var totals = metrics.totals
        totals.tables = Int32(metrics.tables.count)
        totals.rowsRead = metrics.tables.reduce(0) { $0 + $1.rowsRead }
        totals.rowsWritten = metrics.tables.reduce(0) { $0 + $1.rowsWritten }
        totals.bytes = metrics.tables.reduce(0) { $0 + $1.bytes }
        metrics.totals = totals
        let expected = rowsTotal.values.reduce(0, +)
        if progress.tablesTotal > 0 {
            // Whole tables done, plus the share of rows of those under way where the total is known.
            var done = Double(progress.tablesDone)
            for entry in metrics.tables where entry.state == .running {
                if let total = rowsTotal[entry.table], total > 0 { done += min(1, Double(entry.rowsWritten) / Double(total)) }
            }
            progress.fraction = min(1, done / Double(progress.tablesTotal))
        } else if expected > 0 {
            progress.fraction = min(1, Double(totals.rowsWritten) / Double(expected))
        }
    }
}
