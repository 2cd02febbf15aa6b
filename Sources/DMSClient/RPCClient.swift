import DMSProto
import DMSWire
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import SwiftProtobuf
import Synchronization

/// A client of one dmsd over one TLS connection, on which any number of calls run at once.
///
/// Use it scoped: `try await RPCClient.withConnection(configuration) { client in … }` connects,
/// runs the body, and closes the connection whatever happens.
public final class RPCClient: Sendable {
    private let configuration: Configuration
    /// Every frame the client sends, written in batches by one task.
    private let queue: OutboundFrameQueue
    private let eventLoop: any EventLoop
    private let baseMetadata: [String: String]
    private let state = Mutex(State())

    private enum Pending: Sendable {
        case unary(ResponseSlot)
        case stream(AsyncThrowingStream<Dms_V1_Frame, any Error>.Continuation)
    }

    private struct State {
        var nextCallID: UInt64 = 1
        var pending: [UInt64: Pending] = [:]
        /// Set once the server said GOAWAY or the connection ended: new calls fail with it.
        var refusal: RPCError?
    }

    private init(configuration: Configuration, queue: OutboundFrameQueue, eventLoop: any EventLoop) {
        self.configuration = configuration
        self.queue = queue
        self.eventLoop = eventLoop
        var metadata: [String: String] = [MetadataKey.client: "dms-swift-client/\(DMSClientVersion.current)"]
        if let token = configuration.token { metadata[MetadataKey.authorization] = "Bearer \(token)" }
        if let namespace = configuration.namespace { metadata[MetadataKey.namespace] = namespace }
        baseMetadata = metadata
    }

    /// Connects to the server, runs `body` with the client, then closes the connection.
    ///
    /// With TLS 1.3 a server decides on the client's certificate (mTLS) after the client considers
    /// the handshake done, so such a refusal surfaces on the first call, as `UNAVAILABLE` saying
    /// the server did not accept the client's certificate.
    ///
    /// - Throws: `RPCError(.unavailable)` when the server cannot be reached or the TLS handshake
    ///   fails (the message says which), or whatever `body` throws.
    public static func withConnection<Result: Sendable>(
        _ configuration: Configuration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        _ body: (RPCClient) async throws -> Result
    ) async throws -> Result {
        let channel = try await connect(configuration, eventLoopGroup: eventLoopGroup)
        let eventLoop = channel.channel.eventLoop
        let queue = OutboundFrameQueue()
        // The writer and the reader run on the channel's event loop, where their I/O happens: a
        // call then costs one hop onto the loop (waking the writer) and one back (resuming the
        // caller), instead of two more through tasks on the global executor.
        let executor = EventLoopTaskExecutor(eventLoop)
        return try await channel.executeThenClose { inbound, outbound in
            let client = RPCClient(configuration: configuration, queue: queue, eventLoop: eventLoop)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask(executorPreference: executor) { await queue.run(writingTo: outbound) }
                group.addTask(executorPreference: executor) {
                    var ending = RPCError(.unavailable, "connection closed by the server")
                    do {
                        for try await frame in inbound { client.receive(frame) }
                    } catch let error as FrameError {
                        ending = RPCError(.internal, "server sent a bad frame: \(error)")
                    } catch let error as NIOSSLError {
                        ending = RPCError(.unavailable, "TLS failed: \(describeTLSFailure(error))")
                    } catch {
                        ending = RPCError(.unavailable, "connection lost: \(describe(error))")
                    }
                    client.connectionEnded(ending)
                }
                defer {
                    queue.finish()
                    group.cancelAll()
                }
                guard configuration.runsBodyOnEventLoop else { return try await body(client) }
                return try await withTaskExecutorPreference(executor) { try await body(client) }
            }
        }
    }

    /// Calls a unary method and returns its response.
    ///
    /// - Throws: `RPCError` with the server's status, `DEADLINE_EXCEEDED` when `options.timeout`
    ///   passes first, or `CancellationError` when the calling task is cancelled (the server is
    ///   sent CANCEL in both cases).
    public func unary<Request, Response>(
        _ method: UnaryMethod<Request, Response>, _ request: Request, options: CallOptions = CallOptions()
    ) async throws -> Response {
        let requestFrame = try makeRequest(method.descriptor, request, options: options)
        let callID = requestFrame.callID
        let timer = scheduleDeadline(options.timeout, callID: callID)
        defer { timer?.cancel() }
        let slot = ResponseSlot()
        if let refusal = register(callID, .unary(slot)) { throw refusal }
        let end: Dms_V1_Frame = try await withTaskCancellationHandler {
            // A frame that cannot be written means the connection is going down: its end (with the
            // real reason, e.g. a TLS alert) fails every pending call, this one included.
            queue.enqueue(requestFrame)
            return try await slot.wait()
        } onCancel: {
            self.abandon(callID, with: CancellationError())
        }
        if end.status.code != .ok { throw RPCError(status: end.status) }
        do {
            return try Response(serializedBytes: end.payload)
        } catch {
            throw RPCError(.internal, "response is not a valid \(Response.protoMessageName)")
        }
    }

    /// Opens a server-streaming call. Iterate the result for the items; iteration ends after the
    /// server's END OK, or throws its error status (`DEADLINE_EXCEEDED` once `options.timeout`
    /// passes, also when the server never answers).
    public func serverStreaming<Request, Response>(
        _ method: ServerStreamingMethod<Request, Response>, _ request: Request, options: CallOptions = CallOptions()
    ) throws -> ServerStreamCall<Response> {
        let requestFrame = try makeRequest(method.descriptor, request, options: options)
        let callID = requestFrame.callID
        let (frames, continuation) = AsyncThrowingStream.makeStream(of: Dms_V1_Frame.self)
        let timer = scheduleDeadline(options.timeout, callID: callID)
        continuation.onTermination = { [weak self] termination in
            timer?.cancel()
            if case .cancelled = termination { self?.abandon(callID, with: CancellationError()) }
        }
        if let refusal = register(callID, .stream(continuation)) {
            continuation.finish(throwing: refusal)
        } else {
            queue.enqueue(requestFrame)
        }
        return ServerStreamCall(callID: callID, frames: frames, client: self)
    }

    /// Sends CANCEL for `callID` but keeps listening, so the server's END(CANCELLED) still arrives.
    func requestCancel(_ callID: UInt64) {
        let isOpen = state.withLock { $0.pending[callID] != nil }
        if isOpen { queue.enqueue(.cancel(callID: callID)) }
    }

    // MARK: - Call table

    private func makeRequest<Request: SwiftProtobuf.Message>(
        _ method: MethodDescriptor, _ request: Request, options: CallOptions
    ) throws -> Dms_V1_Frame {
        let metadata = options.metadata.isEmpty ? baseMetadata : baseMetadata.merging(options.metadata) { _, new in new }
        let timeoutMilliseconds = options.timeout.map {
            UInt64(max(1, $0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000))
        } ?? 0
        let callID = state.withLock { state in
            defer { state.nextCallID += 1 }
            return state.nextCallID
        }
        return .request(
            callID: callID, method: method.fullName, payload: try request.serializedData(), metadata: metadata,
            timeoutMilliseconds: timeoutMilliseconds)
    }

    private func register(_ callID: UInt64, _ pending: Pending) -> RPCError? {
        state.withLock { state in
            if let refusal = state.refusal { return refusal }
            state.pending[callID] = pending
            return nil
        }
    }

    /// Ends call `callID` with `DEADLINE_EXCEEDED` when `timeout` passes first.
    private func scheduleDeadline(_ timeout: Duration?, callID: UInt64) -> Scheduled<Void>? {
        guard let timeout else { return nil }
        let (seconds, attoseconds) = timeout.components
        let amount = TimeAmount.nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        return eventLoop.scheduleTask(in: amount) { [weak self] in
            self?.abandon(callID, with: RPCError(.deadlineExceeded, "deadline of \(timeout) exceeded"))
        }
    }

    /// Forgets a call the caller no longer waits for, telling the server to stop it.
    private func abandon(_ callID: UInt64, with error: any Error) {
        guard let pending = state.withLock({ $0.pending.removeValue(forKey: callID) }) else { return }
        queue.enqueue(.cancel(callID: callID))
        switch pending {
        case .unary(let slot): slot.resolve(.failure(error))
        case .stream(let continuation): continuation.finish(throwing: error)
        }
    }

    private func receive(_ frame: Dms_V1_Frame) {
        switch frame.type {
        case .message:
            if case .stream(let continuation) = state.withLock({ $0.pending[frame.callID] }) {
                continuation.yield(frame)
            }
        case .end where frame.callID == 0:
            connectionEnded(RPCError(status: frame.status))
        case .end:
            switch state.withLock({ $0.pending.removeValue(forKey: frame.callID) }) {
            case .unary(let slot): slot.resolve(.success(frame))
            case .stream(let continuation):
                continuation.yield(frame)
                continuation.finish()
            case nil: break
            }
        case .goaway:
            state.withLock { $0.refusal = $0.refusal ?? Self.goingAway }
        default:
            break
        }
    }

    private static let goingAway = RPCError(.unavailable, "server is shutting down")

    private func connectionEnded(_ error: RPCError) {
        let pending = state.withLock { state in
            if state.refusal == nil || state.refusal == Self.goingAway { state.refusal = error }
            defer { state.pending.removeAll() }
            return state.pending.values
        }
        for entry in pending {
            switch entry {
            case .unary(let slot): slot.resolve(.failure(error))
            case .stream(let continuation): continuation.finish(throwing: error)
            }
        }
        queue.finish()
    }

    // MARK: - Connecting

    private static func connect(
        _ configuration: Configuration, eventLoopGroup: any EventLoopGroup
    ) async throws -> NIOAsyncChannel<Dms_V1_Frame, Dms_V1_Frame> {
        let tlsContext: NIOSSLContext
        do {
            tlsContext = try ClientTLS.makeContext(configuration)
        } catch {
            throw RPCError(.failedPrecondition, "cannot set up TLS: \(describe(error))")
        }
        let hostname = ClientTLS.serverHostname(configuration)
        let maximumFrameBytes = configuration.maximumFrameBytes
        let (seconds, attoseconds) = configuration.connectTimeout.components
        let connectTimeout = TimeAmount.nanoseconds(max(1, seconds * 1_000_000_000 + attoseconds / 1_000_000_000))
        let loop = eventLoopGroup.next()
        let handshake = loop.makePromise(of: Void.self)
        let channel: NIOAsyncChannel<Dms_V1_Frame, Dms_V1_Frame>
        do {
            channel = try await ClientBootstrap(group: loop)
                .connectTimeout(connectTimeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: hostname))
                        try pipeline.addHandler(HandshakeObserver(promise: handshake))
                        try pipeline.addHandler(ByteToMessageHandler(FrameDecoder(maximumFrameBytes: maximumFrameBytes)))
                        try pipeline.addHandler(MessageToByteHandler(FrameEncoder()))
                        return try NIOAsyncChannel<Dms_V1_Frame, Dms_V1_Frame>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            handshake.fail(error)
            throw RPCError(.unavailable, "cannot reach dmsd at \(configuration.host):\(configuration.port): \(describe(error))")
        }
        // Wait for the handshake so that a wrong CA or a plaintext server is reported as such, at
        // connect time rather than on the first call.
        // The handshake gets the same budget as the TCP connect: a server that accepts but never
        // answers TLS (or a black hole) fails here instead of hanging.
        let handshakeTimer = loop.scheduleTask(in: connectTimeout) {
            handshake.fail(ChannelError.connectTimeout(connectTimeout))
        }
        defer { handshakeTimer.cancel() }
        do {
            try await handshake.futureResult.get()
        } catch {
            // Close through the async channel so its writer is finished: a writer deinited
            // unfinished is a precondition failure in NIO.
            try? await channel.executeThenClose { _, _ in }
            throw RPCError(
                .unavailable, "TLS handshake with \(configuration.host):\(configuration.port) failed: \(describe(error))")
        }
        return channel
    }
}

/// Says what a TLS alert after the handshake means; mostly: the server refused the client's certificate.
func describeTLSFailure(_ error: NIOSSLError) -> String {
    let text = "\(error)"
    if text.contains("CERTIFICATE_REQUIRED") { return "the server requires a client certificate (mTLS) and none was given (\(text))" }
    if text.contains("UNKNOWN_CA") || text.contains("BAD_CERTIFICATE") || text.contains("CERTIFICATE_UNKNOWN") {
        return "the server did not accept this client's certificate (\(text))"
    }
    return text
}

/// Turns low-level errors into one readable line.
func describe(_ error: any Error) -> String {
    if let error = error as? NIOSSLError {
        switch error {
        case .handshakeFailed(let inner): return "handshake failed (\(inner))"
        default: return "\(error)"
        }
    }
    if let error = error as? RPCError { return error.message }
    if let error = error as? NIOConnectionError {
        if let dnsError = error.dnsAError ?? error.dnsAAAAError { return describe(dnsError) }
        if let last = error.connectionErrors.last { return describe(last.error) }
    }
    if let error = error as? IOError {
        let reason = String(cString: strerror(error.errnoCode))  // "Connection refused"
        return reason.prefix(1).lowercased() + reason.dropFirst()
    }
    if let error = error as? SocketAddressError.UnknownHost { return "unknown host \(error.host)" }
    if let error = error as? ChannelError, case .connectTimeout(let timeout) = error {
        return "no answer within \(timeout.nanoseconds / 1_000_000) ms"
    }
    return "\(error)"
}

/// The version the client reports in its metadata.
public enum DMSClientVersion {
    /// The package version.
    public static let current = "0.1.0"
}
