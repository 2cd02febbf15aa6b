import DMSAPI
import DMSProto
import DMSWire
import Foundation

extension ResourceIsolationTable {
    /// Migration jobs (their runs: ``runCases``).
    static let jobCases: [String: [ResourceIsolationCase]] = [
        // MARK: Migration jobs
        API.MigrationJobService.createMigrationJob.descriptor.fullName: [
            aim(
                .unary("a job in the namespace", API.MigrationJobService.createMigrationJob) { r in
                    .with {
                        $0.name = "intruder"
                        $0.namespace = r.name
                        $0.sourceID = r.source.id
                        $0.targetID = r.target.id
                    }
                }, outsider: .permissionDenied, viewer: .permissionDenied),
            aim(
                .unary("a job of the caller's own namespace on the source and target", API.MigrationJobService.createMigrationJob) { r in
                    .with {
                        $0.name = "borrowed"
                        $0.sourceID = r.source.id
                        $0.targetID = r.target.id
                    }
                }, outsider: .unresolvedReference(fields: ["source_id", "target_id"]), viewer: .permissionDenied),
        ],
        API.MigrationJobService.getMigrationJob.descriptor.fullName: [
            aim(
                .unary("the job by id", API.MigrationJobService.getMigrationJob, items: { [$0.namespace] }) { r in
                    .with { $0.id = r.job.id }
                }, outsider: .notFound, viewer: .ownItems),
            aim(
                .unary("the job by name", API.MigrationJobService.getMigrationJob, items: { [$0.namespace] }) { r in
                    .with {
                        $0.name = r.job.name
                        $0.namespace = r.name
                    }
                }, outsider: .permissionDenied, viewer: .ownItems),
            aim(
                .unary(
                    "the job by name in the default namespace", API.MigrationJobService.getMigrationJob, inDefaultNamespace: true,
                    items: { [$0.namespace] }
                ) { r in
                    .with { $0.name = r.job.name }
                }, outsider: .permissionDenied, viewer: .ownItems),
        ],
        API.MigrationJobService.listMigrationJobs.descriptor.fullName: [
            aim(
                .unary("every job", API.MigrationJobService.listMigrationJobs, items: { $0.migrationJobs.map(\.namespace) }) { _ in .init()
                }, outsider: .ownItems, viewer: .ownItems),
            aim(
                .unary("the namespace's jobs", API.MigrationJobService.listMigrationJobs, items: { $0.migrationJobs.map(\.namespace) }) {
                    r in .with { $0.namespace = r.name }
                },
                outsider: .permissionDenied, viewer: .ownItems),
            aim(
                .unary(
                    "the jobs reading the source", API.MigrationJobService.listMigrationJobs, items: { $0.migrationJobs.map(\.namespace) }
                ) { r in .with { $0.sourceID = r.source.id } },
                outsider: .noForeignItems, viewer: .ownItems),
        ],
        API.MigrationJobService.updateMigrationJob.descriptor.fullName: [
            aim(
                .unary("the job's schedule by id", API.MigrationJobService.updateMigrationJob) { r in
                    .with {
                        $0.id = r.job.id
                        $0.expectedRevision = r.job.revision
                        $0.schedule = "*/5 * * * *"
                    }
                }, outsider: .notFound, viewer: .permissionDenied),
            aim(
                .unary("the job's name by name", API.MigrationJobService.updateMigrationJob) { r in
                    .with {
                        $0.name = r.job.name
                        $0.namespace = r.name
                        $0.expectedRevision = r.job.revision
                        $0.newName = "renamed"
                    }
                }, outsider: .permissionDenied, viewer: .permissionDenied),
            aim(
                .unary("the caller's own job moved onto the source and target", API.MigrationJobService.updateMigrationJob) { r, own in
                    .with {
                        $0.id = own.job.id
                        $0.expectedRevision = own.job.revision
                        $0.sourceID = r.source.id
                        $0.targetID = r.target.id
                    }
                }, outsider: .unresolvedReference(fields: ["source_id", "target_id"]), viewer: .permissionDenied),
        ],
        API.MigrationJobService.deleteMigrationJob.descriptor.fullName: jobActions(API.MigrationJobService.deleteMigrationJob) {
            id, name, namespace in
            .with {
                $0.id = id
                $0.name = name
                $0.namespace = namespace
            }
        },
        API.MigrationJobService.runJob.descriptor.fullName: jobActions(API.MigrationJobService.runJob) { id, name, namespace in
            .with {
                $0.id = id
                $0.name = name
                $0.namespace = namespace
            }
        },
        API.MigrationJobService.pauseJob.descriptor.fullName: jobActions(API.MigrationJobService.pauseJob) { id, name, namespace in
            .with {
                $0.id = id
                $0.name = name
                $0.namespace = namespace
            }
        },
        API.MigrationJobService.resumeJob.descriptor.fullName: jobActions(API.MigrationJobService.resumeJob) { id, name, namespace in
            .with {
                $0.id = id
                $0.name = name
                $0.namespace = namespace
            }
        },
    ]
}
