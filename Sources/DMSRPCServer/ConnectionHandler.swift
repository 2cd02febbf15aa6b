import DMSProto
import DMSWire
import Foundation
import Logging
import NIOCore

/// Serves one client connection from the tail of its channel pipeline: reads frames, runs each
/// call as its own task, answers CANCEL, enforces deadlines and the per-connection cap, and
/// drains on shutdown.
///
/// Everything but the handlers themselves happens on the channel's event loop, in plain channel
/// handler callbacks: a frame is dispatched the moment it is decoded, and a call's END frame is
/// written from that loop the moment its handler returns. Writes are flushed once per turn of
/// the loop, so the answers of many calls leave in one TLS record and one system call.
///
/// Each call runs in a `Task` of its own whose handle is kept in ``OpenCalls``, because CANCEL, a
/// deadline or a drain must cancel that one call. The tasks prefer the channel's event loop as
/// their executor (``EventLoopTaskExecutor``): a handler that does not block runs, and answers,
/// without a thread hop. Handlers that block hand their work to threads of their own (the
/// PostgreSQL pool does). No call outlives its connection: when the connection ends, its calls
/// are stopped, and ``closed`` completes once the last one has returned.
final class ConnectionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What every connection of a server shares. A class: every call's task holds it, and a
    /// reference costs one retain where the fields would cost one each.
    final class Services: Sendable {
        let router: MethodRouter
        let authenticator: any CallAuthenticator
        let configuration: RPCServer.Configuration
        let statistics: ServerStatistics
        let logger: Logger

        init(router: MethodRouter, authenticator: any CallAuthenticator, configuration: RPCServer.Configuration, statistics: ServerStatistics, logger: Logger) {
            self.router = router
            self.authenticator = authenticator
            self.configuration = configuration
            self.statistics = statistics
            self.logger = logger
        }
    }

    private let services: Services
    private let eventLoop: any EventLoop
    private let executor: EventLoopTaskExecutor
    private let closedPromise: EventLoopPromise<Void>
    private var context: ChannelHandlerContext?
    private var calls: OpenCalls
    /// False once the channel is inactive: nothing more is written.
    private var isActive = false
    /// True after a protocol error: the frames that follow are not read.
    private var stoppedReading = false
    private var reader: FrameReader
    /// Frames written since the last flush, encoded into one buffer.
    private let writer = BatchingFrameWriter()
    private var drainTimer: Scheduled<Void>?
    /// Stream writes waiting for the channel to become writable, by ticket.
    private var writabilityWaiters: [UInt64: EventLoopPromise<Void>] = [:]
    private var nextWaiterTicket: UInt64 = 0
    private var isClosedCompleted = false
    /// The route of the previous REQUEST: a client mostly calls one method after another, and
    /// comparing the name (the reader hands the same string again) costs less than hashing it.
    private var lastRoute: (method: String, route: MethodRouter.Route)?

    /// Completes once the connection is closed and every call on it has ended.
    var closed: EventLoopFuture<Void> { closedPromise.futureResult }

    init(services: Services, eventLoop: any EventLoop) {
        self.services = services
        self.eventLoop = eventLoop
        self.executor = EventLoopTaskExecutor(eventLoop)
        self.closedPromise = eventLoop.makePromise(of: Void.self)
        self.calls = OpenCalls(limit: services.configuration.maximumCallsPerConnection)
        self.reader = FrameReader(maximumFrameBytes: services.configuration.maximumFrameBytes)
    }

    /// A sendable handle for the server: drains the connection from any thread.
    var handle: ConnectionHandle {
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let loop = eventLoop
        return ConnectionHandle(closed: closed) {
            loop.execute { bound.value.drain() }
        }
    }

    // MARK: - Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        writer.attach(context)
        services.statistics.connectionOpened()
        isActive = context.channel.isActive
    }

    func channelActive(context: ChannelHandlerContext) {
        isActive = true
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !stoppedReading else { return }
        do {
            try reader.read(unwrapInboundIn(data)) { frame in
                // A call that finished inside `dispatch` may have ended the connection (a drain).
                guard let problem = dispatch(frame) else { return !stoppedReading }
                services.logger.debug("closing connection after protocol error", metadata: ["rpc.error": "\(problem.message)"])
                fail(with: problem)
                return false
            }
        } catch {
            services.logger.debug("closing connection after framing error", metadata: ["rpc.error": "\(error)"])
            fail(with: error.status)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        services.logger.debug("connection failed", metadata: ["rpc.error": "\(error)"])
        stoppedReading = true
        context.close(promise: nil)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // The idle timer (an `IdleStateHandler` put in place once TLS is up) fired: the client
        // has sent nothing, not even a keep-alive, for the idle timeout.
        if event is IdleStateHandler.IdleStateEvent {
            if calls.count == 0, isActive {
                services.logger.debug("closing idle connection", metadata: ["rpc.peer": "\(context.remoteAddress.map { "\($0)" } ?? "?")"])
                stoppedReading = true
                write(.goAway)
                closeAfterWrites()
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { resumeWriters(with: .success(())) }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        isActive = false
        stoppedReading = true
        drainTimer?.cancel()
        drainTimer = nil
        for task in calls.stopAll(.connectionClosed) { task.cancel() }
        resumeWriters(with: .failure(ChannelError.ioOnClosedChannel))
        completeIfDone()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // The pipeline is torn down after the channel closed; nothing is left to do but be sure.
        isActive = false
        completeIfDone()
        writer.detach()
        self.context = nil
    }

    // MARK: - Calls

    /// Acts on one inbound frame. Returns a status when the frame breaks the protocol.
    private func dispatch(_ frame: Dms_V1_Frame) -> RPCError? {
        switch frame.type {
        case .request:
            return open(frame)
        case .cancel:
            calls.stop(frame.callID, .cancelledByClient)?.cancel()
            return nil
        default:
            return RPCError(.invalidArgument, "a client may not send frames of type \(frame.type)")
        }
    }

    /// Opens the call of a REQUEST frame and starts its task.
    private func open(_ request: Dms_V1_Frame) -> RPCError? {
        let callID = request.callID
        guard let route = route(for: request.method) else {
            if callID == 0 { return RPCError(.invalidArgument, "REQUEST with call_id 0") }
            write(.end(callID: callID, error: RPCError(.unimplemented, "unknown method \(request.method)")))
            return nil
        }
        switch calls.open(callID, kind: route.descriptor.kind) {
        case .zeroCallID:
            return RPCError(.invalidArgument, "REQUEST with call_id 0")
        case .duplicateCallID:
            return RPCError(.invalidArgument, "REQUEST reuses call_id \(callID), which is still open")
        case .tooManyCalls(let limit):
            write(.end(callID: callID, error: RPCError(.resourceExhausted, "too many calls in flight on this connection (limit \(limit))")))
            return nil
        case .draining:
            write(.end(callID: callID, error: RPCError(.unavailable, "server is shutting down")))
            return nil
        case nil:
            break
        }

        services.statistics.callStarted()
        let received = request.timeoutMs > 0 ? NIODeadline.now() : nil
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let (loop, services, sink) = (eventLoop, services, streamSink)
        // Starts right here, on the event loop, and runs there (its executor preference) unless a
        // handler moves it: a handler that never suspends has answered before this returns. The
        // END is written from the loop either way.
        let task = Task.immediate(executorPreference: executor) {
            let outcome = await services.invoke(route, request: request, sink: sink)
            if loop.inEventLoop {
                bound.value.finish(callID, outcome: outcome, timeout: request.timeoutMs)
            } else {
                loop.execute { bound.value.finish(callID, outcome: outcome, timeout: request.timeoutMs) }
            }
            return outcome
        }
        calls.attach(callID, task: task)?.cancel()
        if let received {
            let timer = eventLoop.scheduleTask(deadline: received + .milliseconds(Int64(clamping: request.timeoutMs))) {
                let task = bound.value.calls.stop(callID, .deadlineExceeded)
                task?.cancel()
            }
            calls.attach(callID, deadline: timer)?.cancel()
        }
        return nil
    }

    private func route(for method: String) -> MethodRouter.Route? {
        if let lastRoute, lastRoute.method == method { return lastRoute.route }
        guard let route = services.router.route(for: method) else { return nil }
        lastRoute = (method, route)
        return route
    }

    /// Closes call `callID` once its handler is done: writes its END frame, and ends a drain or
    /// the connection when it was the last call.
    private func finish(_ callID: UInt64, outcome: Dms_V1_Frame, timeout: UInt64) {
        let closing = calls.close(callID)
        closing.deadline?.cancel()
        services.statistics.callEnded()
        if let end = Self.endFrame(callID: callID, outcome: outcome, stopReason: closing.stopReason, timeout: timeout) {
            write(end)
        }
        if closing.drained { closeAfterWrites() }
        if closing.empty { completeIfDone() }
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

    // MARK: - Draining and closing

    /// Sends GOAWAY, ends the streams, and lets unary calls finish for up to the drain timeout.
    private func drain() {
        guard isActive, !calls.isDraining else { return }
        write(.goAway)
        let (cancel, empty) = calls.beginDrain()
        for task in cancel { task.cancel() }
        if empty {
            closeAfterWrites()
            return
        }
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let timeout = TimeAmount.nanoseconds(services.configuration.drainTimeout.nanoseconds)
        drainTimer = eventLoop.scheduleTask(in: timeout) {
            // Past the drain timeout: stop what is left; the connection closes after the last END.
            for task in bound.value.calls.stopAll(.draining) { task.cancel() }
        }
    }

    /// Ends the connection with a connection-level error (END with call id 0), then closes it.
    private func fail(with error: RPCError) {
        stoppedReading = true
        for task in calls.stopAll(.connectionClosed) { task.cancel() }
        write(.end(callID: 0, error: error))
        closeAfterWrites()
    }

    /// Flushes what was written, then closes the channel.
    private func closeAfterWrites() {
        guard let context, isActive else { return }
        drainTimer?.cancel()
        drainTimer = nil
        flush()
        context.close(promise: nil)
    }

    /// Completes ``closed`` once the channel is inactive and no call is left.
    private func completeIfDone() {
        guard !isActive, calls.count == 0, !isClosedCompleted else { return }
        isClosedCompleted = true
        services.statistics.connectionClosed()
        closedPromise.succeed(())
    }

    // MARK: - Writing

    /// Writes `frame` in the connection's batch (see ``BatchingFrameWriter``).
    private func write(_ frame: Dms_V1_Frame) {
        guard isActive else { return }
        do {
            try writer.write(frame)
        } catch {
            services.logger.error("cannot encode a frame", metadata: ["rpc.error": "\(error)", "rpc.call_id": "\(frame.callID)"])
        }
    }

    private func flush() {
        if isActive { writer.flush() }
    }

    /// Writes a stream item. Returns nil when the connection can take more, or a future that
    /// completes once it can (fails if it closes first).
    private func writeStreamItem(_ frame: Dms_V1_Frame, ticket: UInt64) throws -> EventLoopFuture<Void>? {
        guard let context, isActive else { throw ChannelError.ioOnClosedChannel }
        write(frame)
        if context.channel.isWritable { return nil }
        // Not writable: what is batched goes out now, and the writer waits for the channel.
        flush()
        let promise = eventLoop.makePromise(of: Void.self)
        writabilityWaiters[ticket] = promise
        return promise.futureResult
    }

    private func resumeWriters(with result: Result<Void, any Error>) {
        guard !writabilityWaiters.isEmpty else { return }
        let waiters = writabilityWaiters
        writabilityWaiters.removeAll()
        for promise in waiters.values { promise.completeWith(result) }
    }

    private func cancelWaiter(_ ticket: UInt64) {
        writabilityWaiters.removeValue(forKey: ticket)?.fail(CancellationError())
    }

    private func takeTicket() -> UInt64 {
        nextWaiterTicket &+= 1
        return nextWaiterTicket
    }

    /// Where stream items go: written from the loop, waiting while the connection cannot take
    /// more (a client that stops reading stalls its streams instead of growing server memory).
    /// Made per call: a sink kept by the handler would hold the handler itself (a cycle).
    private var streamSink: FrameSink {
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        let loop = eventLoop
        return FrameSink { frame in
            let (ticket, waiting) = try await Self.onLoop(loop) {
                let handler = bound.value
                let ticket = handler.takeTicket()
                return (ticket, try handler.writeStreamItem(frame, ticket: ticket))
            }
            guard let waiting else { return }
            try await withTaskCancellationHandler {
                try await waiting.get()
            } onCancel: {
                loop.execute { bound.value.cancelWaiter(ticket) }
            }
        }
    }

    /// Runs `body` on `loop`: at once when already there, else through a hop.
    private static func onLoop<Result: Sendable>(
        _ loop: any EventLoop, _ body: @escaping @Sendable () throws -> Result
    ) async throws -> Result {
        if loop.inEventLoop { return try body() }
        return try await loop.submit(body).get()
    }
}

/// What the server keeps of a connection: how to drain it and when it is gone.
struct ConnectionHandle: Sendable {
    /// Completes once the connection is closed and its last call has ended.
    let closed: EventLoopFuture<Void>
    /// Starts a graceful drain (GOAWAY, streams ended, unary calls given the drain timeout).
    let drain: @Sendable () -> Void
}

extension ConnectionHandler.Services {
    /// Authenticates and runs the handler, turning whatever it throws into a status.
    func invoke(_ route: MethodRouter.Route, request: Dms_V1_Frame, sink: FrameSink) async -> Dms_V1_Frame {
        let callID = request.callID
        do {
            let principal = try await authenticator.authenticate(method: route.descriptor, metadata: request.metadata)
            let deadline: ContinuousClock.Instant? =
                request.timeoutMs > 0 ? .now + .milliseconds(Int64(clamping: request.timeoutMs)) : nil
            let context = CallContext(
                callID: callID, method: route.descriptor, metadata: request.metadata, principal: principal,
                deadline: deadline, logger: logger)
            let response = try await route.run(request.payload, context, sink)
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
}
