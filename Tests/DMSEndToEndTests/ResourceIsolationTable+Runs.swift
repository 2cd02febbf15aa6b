import DMSAPI
import DMSProto
import DMSWire
import Foundation

extension ResourceIsolationTable {
    /// Runs: each namespace's job has a run in progress (``ResourceSet/run``), which a token of
    /// another namespace can neither read, list, watch, cancel nor read the log of.
    static let runCases: [String: [ResourceIsolationCase]] = [
        API.MigrationJobRunService.getRun.descriptor.fullName: [
            aim(
                .unary("the run by id", API.MigrationJobRunService.getRun, items: { [$0.namespace] }) { r in .with { $0.id = r.runID } },
                outsider: .notFound, viewer: .ownItems)
        ],
        API.MigrationJobRunService.listRuns.descriptor.fullName: [
            aim(
                .unary("every run", API.MigrationJobRunService.listRuns, items: { $0.runs.map(\.namespace) }) { _ in .init() },
                outsider: .ownItems, viewer: .ownItems),
            aim(
                .unary("the namespace's runs", API.MigrationJobRunService.listRuns, items: { $0.runs.map(\.namespace) }) { r in
                    .with { $0.namespace = r.name }
                },
                outsider: .permissionDenied, viewer: .ownItems),
            aim(
                .unary("the runs of the job", API.MigrationJobRunService.listRuns, items: { $0.runs.map(\.namespace) }) { r in
                    .with { $0.migrationJobID = r.job.id }
                },
                outsider: .noForeignItems, viewer: .ownItems),
        ],
        API.MigrationJobRunService.cancelRun.descriptor.fullName: [
            aim(
                .unary("the run by id", API.MigrationJobRunService.cancelRun) { r in .with { $0.id = r.runID } },
                outsider: .notFound, viewer: .permissionDenied)
        ],
        API.MigrationJobRunService.watchRuns.descriptor.fullName: [
            aim(
                .streaming(
                    "every run's changes", API.MigrationJobRunService.watchRuns, openEnded: .seconds(1), items: { [$0.run.namespace] }
                ) { _ in
                    .with { $0.sendCurrent = true }
                }, outsider: .ownItems, viewer: .ownItems),
            aim(
                .streaming(
                    "the namespace's run changes", API.MigrationJobRunService.watchRuns, openEnded: .seconds(1),
                    items: { [$0.run.namespace] }
                ) { r in
                    .with {
                        $0.namespace = r.name
                        $0.sendCurrent = true
                    }
                }, outsider: .permissionDenied, viewer: .ownItems),
            aim(
                .streaming(
                    "the job's run changes", API.MigrationJobRunService.watchRuns, openEnded: .seconds(1), items: { [$0.run.namespace] }
                ) { r in
                    .with {
                        $0.migrationJobID = r.job.id
                        $0.sendCurrent = true
                    }
                }, outsider: .noForeignItems, viewer: .ownItems),
            aim(
                .streaming(
                    "the run's changes", API.MigrationJobRunService.watchRuns, openEnded: .seconds(1), items: { [$0.run.namespace] }
                ) { r in
                    .with {
                        $0.runID = r.runID
                        $0.sendCurrent = true
                    }
                }, outsider: .notFound, viewer: .ownItems),
        ],
        API.MigrationJobRunService.streamRunLogs.descriptor.fullName: [
            aim(
                .streaming("the run's log", API.MigrationJobRunService.streamRunLogs) { r in .with { $0.runID = r.runID } },
                outsider: .notFound, viewer: .succeeds)
        ],
    ]
}

extension ResourceSet {
    /// The id of the set's run; a made-up one when the set has none.
    var runID: String { run?.id ?? UUID().uuidString.lowercased() }
}
