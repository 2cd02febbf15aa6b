import DMSProto
import DMSWire
import Foundation
import Logging
import NIOCore

/// Serves one client connection: reads frames, runs each call in its own child task, answers
/// CANCEL, enforces deadlines and the per-connection cap, and drains on shutdown.
struct ConnectionHandler: Sendable {
    let router: MethodRouter
    let authenticator: any CallAuthenticator
    let configuration: RPCServer.Configuration
    let statistics: ServerStatistics
    let logger: Logger

    /// Runs until the peer closes, a protocol error, or the end of a drain that `drainRequests` starts.
    func serve(_ connection: NIOAsyncChannel<Dms_V1_Frame, Dms_V1_Frame>, drainRequests: AsyncStream<Void>) async {
        statistics.connectionOpened()
        defer { statistics.connectionClosed() }
        let channel = connection.channel
        do {
            try await connection.executeThenClose { inbound, outbound in
                let sink = FrameSink(writer: outbound)
                let calls = LockedValue(OpenCalls(limit: configuration.maximumCallsPerConnection))
                let (callsDrained, drainedContinuation) = AsyncStream.makeStream(of: Void.self)
                let closeIfDrained: @Sendable (Bool) -> Void = { drained in
                    if drained { drainedContinuation.yield() }
                }

                await withDiscardingTaskGroup { group in
                    group.addTask {
                        for await _ in drainRequests {
                            await drain(calls: calls, sink: sink, drained: callsDrained, closeIfDrained: closeIfDrained)
                            channel.close(promise: nil)
                            return
                        }
                    }
                    do {
                        for try await frame in inbound {
                            if let problem = dispatch(frame, calls: calls, sink: sink, group: &group, closeIfDrained: closeIfDrained) {
                                await sink.sendIgnoringFailure(.end(callID: 0, error: problem))
                                logger.debug("closing connection after protocol error", metadata: ["rpc.error": "\(problem.message)"])
                                break
                            }
                        }
                    } catch let error as FrameError {
                        await sink.sendIgnoringFailure(.end(callID: 0, error: error.status))
                        logger.debug("closing connection after framing error", metadata: ["rpc.error": "\(error)"])
                    } catch {
                        logger.debug("connection read failed", metadata: ["rpc.error": "\(error)"])
                    }
                    calls.withLock { $0.stopAll(.connectionClosed) }
                    group.cancelAll()
                }
            }
        } catch {
            logger.debug("connection ended with error", metadata: ["rpc.error": "\(error)"])
        }
    }

    /// Acts on one inbound frame. Returns a status when the frame breaks the protocol.
    private func dispatch(
        _ frame: Dms_V1_Frame, calls: LockedValue<OpenCalls>, sink: FrameSink,
        group: inout DiscardingTaskGroup, closeIfDrained: @escaping @Sendable (Bool) -> Void
    ) -> RPCError? {
        switch frame.type {
        case .request:
            let route = router.route(for: frame.method)
            let (stop, stopContinuation) = AsyncStream.makeStream(of: OpenCalls.StopReason.self)
            let refusal = calls.withLock {
                $0.open(frame.callID, kind: route?.descriptor.kind ?? .unary, stop: stopContinuation)
            }
            switch refusal {
            case .zeroCallID:
                return RPCError(.invalidArgument, "REQUEST with call_id 0")
            case .duplicateCallID:
                return RPCError(.invalidArgument, "REQUEST reuses call_id \(frame.callID), which is still open")
            case .tooManyCalls(let limit):
                let frame = Dms_V1_Frame.end(
                    callID: frame.callID,
                    error: RPCError(.resourceExhausted, "too many calls in flight on this connection (limit \(limit))"))
                group.addTask { await sink.sendIgnoringFailure(frame) }
                return nil
            case .draining:
                let frame = Dms_V1_Frame.end(callID: frame.callID, error: RPCError(.unavailable, "server is shutting down"))
                group.addTask { await sink.sendIgnoringFailure(frame) }
                return nil
            case nil:
                break
            }
            let received = ContinuousClock.now
            group.addTask {
                statistics.callStarted()
                let end = await runCall(frame, route: route, received: received, stop: stop, sink: sink)
                if let end { await sink.sendIgnoringFailure(end) }
                statistics.callEnded()
                closeIfDrained(calls.withLock { $0.close(frame.callID) })
            }
            return nil
        case .cancel:
            _ = calls.withLock { $0.cancel(frame.callID) }
            return nil
        default:
            return RPCError(.invalidArgument, "a client may not send frames of type \(frame.type)")
        }
    }

    /// Runs one call to its END frame; nil when the connection is gone and nothing should be sent.
    private func runCall(
        _ request: Dms_V1_Frame, route: MethodRouter.Route?, received: ContinuousClock.Instant,
        stop: AsyncStream<OpenCalls.StopReason>, sink: FrameSink
    ) async -> Dms_V1_Frame? {
        let callID = request.callID
        guard let route else {
            return .end(callID: callID, error: RPCError(.unimplemented, "unknown method \(request.method)"))
        }
        let timeout: Duration? = request.timeoutMs > 0 ? .milliseconds(Int64(clamping: request.timeoutMs)) : nil
        var callLogger = self.logger
        callLogger[metadataKey: "rpc.method"] = "\(request.method)"
        callLogger[metadataKey: "rpc.call_id"] = "\(callID)"
        let logger = callLogger

        return await withTaskGroup(of: Dms_V1_Frame??.self) { group in
            group.addTask {
                await invoke(route, request: request, deadline: timeout.map { received + $0 }, logger: logger, sink: sink)
            }
            group.addTask {
                for await reason in stop {
                    switch reason {
                    case .cancelledByClient:
                        return .some(.end(callID: callID, error: RPCError(.cancelled, "call cancelled by the client")))
                    case .draining:
                        return .some(.end(callID: callID, error: RPCError(.unavailable, "server is shutting down")))
                    case .connectionClosed:
                        return .some(nil)
                    }
                }
                return nil  // finished without a reason: the call is over
            }
            if let timeout {
                group.addTask {
                    do {
                        try await Task.sleep(until: received + timeout, clock: .continuous)
                    } catch {
                        return nil
                    }
                    let milliseconds = request.timeoutMs
                    return .some(.end(callID: callID, error: RPCError(.deadlineExceeded, "deadline of \(milliseconds) ms exceeded")))
                }
            }
            var outcome: Dms_V1_Frame?? = nil
            while let next = await group.next() {
                if let decided = next {
                    outcome = decided
                    break
                }
            }
            group.cancelAll()
            return outcome ?? nil
        }
    }

    /// Authenticates and runs the handler, turning whatever it throws into a status.
    private func invoke(
        _ route: MethodRouter.Route, request: Dms_V1_Frame, deadline: ContinuousClock.Instant?, logger: Logger, sink: FrameSink
    ) async -> Dms_V1_Frame {
        let callID = request.callID
        do {
            let principal = try await authenticator.authenticate(method: route.descriptor, metadata: request.metadata)
            var metadata = request.metadata
            metadata.removeValue(forKey: MetadataKey.authorization)
            let context = CallContext(
                callID: callID, method: route.descriptor, metadata: metadata, principal: principal,
                deadline: deadline, logger: logger)
            let response = try await route.run(request.payload, context, sink)
            return .end(callID: callID, payload: response ?? Data())
        } catch let error as any RPCErrorConvertible {
            return .end(callID: callID, error: error.rpcError)
        } catch is CancellationError {
            return .end(callID: callID, error: RPCError(.cancelled, "call cancelled"))
        } catch {
            logger.error("handler failed", metadata: ["rpc.error": "\(String(reflecting: type(of: error)))"])
            return .end(callID: callID, error: RPCError(.internal, "internal error (call \(callID))"))
        }
    }

    /// Sends GOAWAY, ends the streams, and waits for unary calls up to the drain timeout.
    private func drain(
        calls: LockedValue<OpenCalls>, sink: FrameSink, drained: AsyncStream<Void>,
        closeIfDrained: @Sendable (Bool) -> Void
    ) async {
        await sink.sendIgnoringFailure(.goAway)
        closeIfDrained(calls.withLock { $0.beginDrain() })
        let timeout = configuration.drainTimeout
        let finished = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in drained { return true }
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
            calls.withLock { $0.stopAll(.draining) }
        }
    }
}
