import DMSAPI
import DMSProto
import DMSRPCServer
import DMSStore
import DMSWire

/// Migration jobs: CRUD, manual runs, pause and resume.
struct MigrationJobService: Sendable {
    let store: MetadataStore
    let signals: RunSignals

    func register(on router: inout MethodRouter) {
        router.register(API.MigrationJobService.createMigrationJob) { request, context in
            let scope = try context.scope()
            return try await store.jobs.create(request, namespace: try context.writableNamespace(request.namespace, scope: scope), scope: scope)
        }
        router.register(API.MigrationJobService.getMigrationJob) { request, context in
            let scope = try context.scope()
            return try await store.jobs.get(try context.key(id: request.id, name: request.name, namespace: request.namespace, scope: scope), scope: scope)
        }
        router.register(API.MigrationJobService.listMigrationJobs) { request, context in
            let scope = try context.scope()
            return try await store.jobs.list(request, namespace: try context.listNamespace(request.namespace, scope: scope))
        }
        router.register(API.MigrationJobService.updateMigrationJob) { request, context in
            let scope = try context.scope()
            let key = try context.key(id: request.id, name: request.name, namespace: request.namespace, scope: scope)
            return try await store.jobs.update(request, key: key, scope: scope)
        }
        router.register(API.MigrationJobService.deleteMigrationJob) { request, context in
            let scope = try context.scope()
            let key = try context.key(id: request.id, name: request.name, namespace: request.namespace, scope: scope)
            try await store.jobs.delete(key: key, expectedRevision: request.expectedRevision, scope: scope)
            return Dms_V1_DeleteMigrationJobResponse()
        }
        router.register(API.MigrationJobService.runJob) { request, context in
            let scope = try context.scope()
            let job = try await store.jobs.get(try context.key(id: request.id, name: request.name, namespace: request.namespace, scope: scope), scope: scope)
            try scope.checkWrite(job.namespace)
            let run = try await store.runs.createManual(job: job)
            await signals.runsChanged()
            return run
        }
        router.register(API.MigrationJobService.pauseJob) { request, context in
            let scope = try context.scope()
            return try await store.jobs.setPaused(true, key: try context.key(id: request.id, name: request.name, namespace: request.namespace, scope: scope), scope: scope)
        }
        router.register(API.MigrationJobService.resumeJob) { request, context in
            let scope = try context.scope()
            return try await store.jobs.setPaused(false, key: try context.key(id: request.id, name: request.name, namespace: request.namespace, scope: scope), scope: scope)
        }
    }
}
