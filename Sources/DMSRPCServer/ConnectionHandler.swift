import DMSProto
import DMSWire
import Foundation
import Logging
import NIOCore

/// Serves one client connection: reads frames, runs each call as its own task, answers CANCEL,
/// enforces deadlines and the per-connection cap, and drains on shutdown.
///
/// Each call runs in a `Task` of its own whose handle is kept in ``OpenCalls``, because CANCEL, a
/// deadline or a drain must cancel that one call; the task closes its call and queues its END
/// frame itself. No call outlives its connection: once input ends, the connection stops its
/// calls and waits until ``OpenCalls`` is empty before it returns. END frames go through the
/// connection's ``OutboundFrameQueue``, so the answers of many calls leave in one write.
///
/// All of a connection's tasks prefer the channel's event loop as their executor
/// (``EventLoopTaskExecutor``): reading a frame, running a handler that does not block, and
/// writing its answer then happen on the one thread that does the connection's I/O, without a
/// thread hop (and a wake-up) at each step. Handlers that block hand their work to threads of
/// their own (the PostgreSQL pool does).
struct ConnectionHandler: Sendable {
    let router: MethodRouter
    let authenticator: any CallAuthenticator
    let configuration: RPCServer.Configuration
    let statistics: ServerStatistics
    let logger: Logger

    /// Per-connection state shared by the reader and the call tasks.
    private struct Connection: Sendable {
        let calls: LockedValue<OpenCalls>
        /// Stream items: written with back-pressure.
        let sink: FrameSink
        /// END, GOAWAY and connection errors: written in batches by the connection's writer task.
        let queue: OutboundFrameQueue
        let channel: any Channel
        /// Runs the connection's tasks on the channel's event loop.
        let executor: EventLoopTaskExecutor
        /// Yields when a draining connection's last call has closed.
        let drained: AsyncStream<Void>
        let drainedContinuation: AsyncStream<Void>.Continuation
        /// Who waits for the last call to close, once the connection's input has ended.
        let closeWaiter: LockedValue<CheckedContinuation<Void, Never>?>
    }

    /// Runs until the peer closes, a protocol error, or the end of a drain that `drainRequests` starts.
    func serve(_ connection: NIOAsyncChannel<Dms_V1_Frame, Dms_V1_Frame>, drainRequests: AsyncStream<Void>) async {
        statistics.connectionOpened()
        defer { statistics.connectionClosed() }
        let channel = connection.channel
        let executor = EventLoopTaskExecutor(channel.eventLoop)
        do {
            try await withTaskExecutorPreference(executor) {
                try await serve(connection, executor: executor, drainRequests: drainRequests)
            }
        } catch {
            logger.debug("connection ended with error", metadata: ["rpc.error": "\(error)"])
        }
    }

    /// ``serve(_:drainRequests:)`` on the connection's executor.
    private func serve(
        _ connection: NIOAsyncChannel<Dms_V1_Frame, Dms_V1_Frame>, executor: EventLoopTaskExecutor, drainRequests: AsyncStream<Void>
    ) async throws {
        let channel = connection.channel
        try await connection.executeThenClose { inbound, outbound in
            let (drained, drainedContinuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            let state = Connection(
                calls: LockedValue(OpenCalls(limit: configuration.maximumCallsPerConnection)),
                sink: FrameSink(writer: outbound), queue: OutboundFrameQueue(), channel: channel, executor: executor,
                drained: drained, drainedContinuation: drainedContinuation,
                closeWaiter: LockedValue(nil))

            await withDiscardingTaskGroup { connectionGroup in
                connectionGroup.addTask {
                    await state.queue.run(writingTo: outbound) { channel.close(promise: nil) }
                }
                await withDiscardingTaskGroup { group in
                    group.addTask {
                        for await _ in drainRequests {
                            await drain(state)
                            state.queue.closeWhenEmpty()
                            return
                        }
                    }
                    await readFrames(inbound, state)
                    for task in state.calls.withLock({ $0.stopAll(.connectionClosed) }) { task.cancel() }
                    group.cancelAll()
                    await waitForCallsToClose(state)
                }
                // Every call has ended: write what is queued (a connection error, say), then stop.
                state.queue.finish()
            }
        }
    }

    /// Reads and dispatches frames until the peer closes or breaks the protocol.
    private func readFrames(
        _ inbound: NIOAsyncChannelInboundStream<Dms_V1_Frame>, _ state: Connection
    ) async {
        do {
            for try await frame in inbound {
                if let problem = dispatch(frame, state) {
                    state.queue.enqueue(.end(callID: 0, error: problem))
                    logger.debug("closing connection after protocol error", metadata: ["rpc.error": "\(problem.message)"])
                    return
                }
            }
        } catch let error as FrameError {
            state.queue.enqueue(.end(callID: 0, error: error.status))
            logger.debug("closing connection after framing error", metadata: ["rpc.error": "\(error)"])
        } catch {
            logger.debug("connection read failed", metadata: ["rpc.error": "\(error)"])
        }
    }

    /// Acts on one inbound frame. Returns a status when the frame breaks the protocol.
    private func dispatch(_ frame: Dms_V1_Frame, _ state: Connection) -> RPCError? {
        switch frame.type {
        case .request:
            return open(frame, state)
        case .cancel:
            state.calls.withLock { $0.stop(frame.callID, .cancelledByClient) }?.cancel()
            return nil
        default:
            return RPCError(.invalidArgument, "a client may not send frames of type \(frame.type)")
        }
    }

    /// Opens the call of a REQUEST frame and starts its task.
    private func open(_ request: Dms_V1_Frame, _ state: Connection) -> RPCError? {
        let callID = request.callID
        guard let route = router.route(for: request.method) else {
            if callID == 0 { return RPCError(.invalidArgument, "REQUEST with call_id 0") }
            state.queue.enqueue(.end(callID: callID, error: RPCError(.unimplemented, "unknown method \(request.method)")))
            return nil
        }
        switch state.calls.withLock({ $0.open(callID, kind: route.descriptor.kind) }) {
        case .zeroCallID:
            return RPCError(.invalidArgument, "REQUEST with call_id 0")
        case .duplicateCallID:
            return RPCError(.invalidArgument, "REQUEST reuses call_id \(callID), which is still open")
        case .tooManyCalls(let limit):
            state.queue.enqueue(
                .end(callID: callID, error: RPCError(.resourceExhausted, "too many calls in flight on this connection (limit \(limit))")))
            return nil
        case .draining:
            state.queue.enqueue(.end(callID: callID, error: RPCError(.unavailable, "server is shutting down")))
            return nil
        case nil:
            break
        }

        statistics.callStarted()
        let received = NIODeadline.now()
        let handler = Task(executorPreference: state.executor) {
            let outcome = await invoke(route, request: request, state: state)
            finish(callID, outcome: outcome, timeout: request.timeoutMs, state)
            return outcome
        }
        state.calls.withLock { $0.attach(callID, task: handler) }?.cancel()
        if request.timeoutMs > 0 {
            let calls = state.calls
            let timer = state.channel.eventLoop.scheduleTask(
                deadline: received + .milliseconds(Int64(clamping: request.timeoutMs))
            ) {
                let task = calls.withLock { $0.stop(callID, .deadlineExceeded) }
                task?.cancel()
            }
            state.calls.withLock { $0.attach(callID, deadline: timer) }?.cancel()
        }
        return nil
    }

    /// Closes call `callID` once its handler is done: queues its END frame, and tells a drain or
    /// the connection's end when it was the last call.
    private func finish(_ callID: UInt64, outcome: Dms_V1_Frame, timeout: UInt64, _ state: Connection) {
        let closing = state.calls.withLock { $0.close(callID) }
        closing.deadline?.cancel()
        statistics.callEnded()
        if let end = Self.endFrame(callID: callID, outcome: outcome, stopReason: closing.stopReason, timeout: timeout) {
            state.queue.enqueue(end)
        }
        if closing.drained { state.drainedContinuation.yield() }
        if closing.empty { state.closeWaiter.withLock { $0.take() }?.resume() }
    }

    /// Waits until every call of the connection has closed (they were told to stop). The wait
    /// ignores cancellation, as a task group's wait for its children does.
    private func waitForCallsToClose(_ state: Connection) async {
        await withCheckedContinuation { continuation in
            // Checked and registered under the calls' lock, so the last close cannot slip between.
            let empty = state.calls.withLock { calls in
                if calls.count == 0 { return true }
                state.closeWaiter.withLock { $0 = continuation }
                return false
            }
            if empty { continuation.resume() }
        }
    }

    /// The END frame of a finished call: the handler's own outcome, unless the call was stopped.
    static func endFrame(
        callID: UInt64, outcome: Dms_V1_Frame, stopReason: OpenCalls.StopReason?, timeout: UInt64
    ) -> Dms_V1_Frame? {
        switch stopReason {
        case nil: outcome
        case .cancelledByClient: .end(callID: callID, error: RPCError(.cancelled, "call cancelled by the client"))
        case .draining: .end(callID: callID, error: RPCError(.unavailable, "server is shutting down"))
        case .deadlineExceeded: .end(callID: callID, error: RPCError(.deadlineExceeded, "deadline of \(timeout) ms exceeded"))
        case .connectionClosed: nil
        }
    }

    /// Authenticates and runs the handler, turning whatever it throws into a status.
    private func invoke(_ route: MethodRouter.Route, request: Dms_V1_Frame, state: Connection) async -> Dms_V1_Frame {
        let callID = request.callID
        do {
            let principal = try await authenticator.authenticate(method: route.descriptor, metadata: request.metadata)
            var metadata = request.metadata
            metadata.removeValue(forKey: MetadataKey.authorization)
            let deadline: ContinuousClock.Instant? =
                request.timeoutMs > 0 ? .now + .milliseconds(Int64(clamping: request.timeoutMs)) : nil
            let context = CallContext(
                callID: callID, method: route.descriptor, metadata: metadata, principal: principal,
                deadline: deadline, logger: logger)
            let response = try await route.run(request.payload, context, state.sink)
            return .end(callID: callID, payload: response ?? Data())
        } catch let error as any RPCErrorConvertible {
            return .end(callID: callID, error: error.rpcError)
        } catch is CancellationError {
            return .end(callID: callID, error: RPCError(.cancelled, "call cancelled"))
        } catch {
            logger.error(
                "handler failed",
                metadata: [
                    "rpc.method": "\(request.method)", "rpc.call_id": "\(callID)",
                    "rpc.error": "\(String(reflecting: type(of: error)))",
                ])
            return .end(callID: callID, error: RPCError(.internal, "internal error (call \(callID))"))
        }
    }

    /// Sends GOAWAY, ends the streams, and waits for unary calls up to the drain timeout.
    private func drain(_ state: Connection) async {
        state.queue.enqueue(.goAway)
        let (cancel, empty) = state.calls.withLock { $0.beginDrain() }
        for task in cancel { task.cancel() }
        if empty { return }
        let timeout = configuration.drainTimeout
        let finished = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in state.drained { return true }
                return false
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        if !finished {
            // Past the drain timeout: stop what is left; the connection closes right after.
            for task in state.calls.withLock({ $0.stopAll(.draining) }) { task.cancel() }
        }
    }
}
