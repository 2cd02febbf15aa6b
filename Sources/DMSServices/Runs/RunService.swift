import DMSAPI
import DMSProto
import DMSRPCServer
import DMSStore
import DMSWire
import Foundation

/// Runs: read, list, cancel, watch, and stream their logs.
struct RunService: Sendable {
    let store: MetadataStore
    let signals: RunSignals
    private var feed: RunEventFeed { signals.feed }

    func register(on router: inout MethodRouter) {
        router.register(API.MigrationJobRunService.getRun) { request, context in
            try await store.runs.get(id: request.id, scope: try context.scope())
        }
        router.register(API.MigrationJobRunService.listRuns) { request, context in
            let scope = try context.scope()
            return try await store.runs.list(request, namespace: try context.listNamespace(request.namespace, scope: scope))
        }
        router.register(API.MigrationJobRunService.cancelRun) { request, context in
            let run = try await store.runs.requestCancel(id: request.id, scope: try context.scope())
            await signals.runsChanged()
            return run
        }
        router.register(API.MigrationJobRunService.watchRuns) { request, context, writer in
            try await watch(request, context: context, writer: writer)
        }
        router.register(API.MigrationJobRunService.streamRunLogs) { request, context, writer in
            try await streamLogs(request, context: context, writer: writer)
        }
    }

    private func watch(_ request: Dms_V1_WatchRunsRequest, context: CallContext, writer: ServerStreamWriter<Dms_V1_RunEvent>) async throws {
        let scope = try context.scope()
        var violations = [RPCError.FieldViolation]()
        func optionalID(_ text: String, field: String) -> UUID? {
            guard !text.isEmpty else { return nil }
            guard let id = UUID(uuidString: text) else {
                violations.append(.init(field: field, description: "is not an id of this server (a UUID)"))
                return nil
            }
            return id
        }
        let filter = RunEventFilter(
            namespace: try context.listNamespace(request.namespace, scope: scope),
            jobID: optionalID(request.migrationJobID, field: "migration_job_id"),
            runID: optionalID(request.runID, field: "run_id"))
        guard violations.isEmpty else { throw RPCError.invalidArgument(violations) }

        let bounds = try await store.runs.eventBounds()
        var last: UInt64
        if request.resumeAfter > 0 {
            if request.resumeAfter > bounds.latest {
                throw RPCError.invalidArgument([.init(field: "resume_after", description: "is ahead of the newest event \(bounds.latest)")])
            }
            if bounds.oldest > 0, request.resumeAfter + 1 < bounds.oldest {
                throw RPCError(.outOfRange, "events after \(request.resumeAfter) are no longer kept (the oldest is \(bounds.oldest)): list the runs again and watch from the listing's event_sequence")
            }
            last = request.resumeAfter
        } else {
            last = bounds.latest
        }
        if request.sendCurrent {
            let current = try await store.runs.current(matching: filter)
            if filter.runID != nil, current.isEmpty { throw RPCError(.notFound, "no run \(request.runID)") }
            for run in current {
                var event = Dms_V1_RunEvent()
                event.kind = .snapshot
                event.sequence = last
                event.run = run
                event.time = run.updateTime
                try await writer.write(event)
                if filter.runID != nil, RunStateMachine.isFinal(run.state) { return }
            }
        }
        while !Task.isCancelled {
            let events = try await store.runs.events(after: last, matching: filter)
            for event in events {
                try await writer.write(event)
                last = event.sequence
                if filter.runID != nil, RunStateMachine.isFinal(event.run.state) { return }
            }
            if events.isEmpty { await feed.wait(after: last) }
        }
    }

    private func streamLogs(_ request: Dms_V1_StreamRunLogsRequest, context: CallContext, writer: ServerStreamWriter<Dms_V1_RunLogChunk>) async throws {
        let scope = try context.scope()
        var offset = request.fromOffset
        while !Task.isCancelled {
            let slice = try await store.runs.readLog(id: request.runID, from: offset, maxBytes: 64 * 1024, scope: scope)
            let next = slice.offset + Int64(slice.text.utf8.count)
            let complete = slice.runEnded && next >= slice.logLength
            if !slice.text.isEmpty || complete {
                var chunk = Dms_V1_RunLogChunk()
                chunk.offset = slice.offset
                chunk.data = slice.text
                chunk.endOfLog = complete
                try await writer.write(chunk)
            }
            offset = next
            if complete || (!request.follow && next >= slice.logLength) { return }
            if slice.text.isEmpty { try await Task.sleep(for: .milliseconds(250)) }
        }
    }
}
