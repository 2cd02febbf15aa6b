import DMSProto
import DMSWire
import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import SwiftProtobuf

/// A client of one dmsd over one TLS connection, on which any number of calls run at once.
///
/// Use it scoped: `try await RPCClient.withConnection(configuration) { client in … }` connects,
/// runs the body, and closes the connection whatever happens.
public final class RPCClient: Sendable {
    private let configuration: Configuration
    private let channel: any Channel
    /// The tail handler, which writes the client's frames; used on the channel's event loop only.
    private let writer: NIOLoopBound<ClientFrameHandler>
    private let calls: CallTable
    private let eventLoop: any EventLoop
    private let baseMetadata: [String: String]

    private init(configuration: Configuration, connection: Connection) {
        self.configuration = configuration
        self.channel = connection.channel
        self.writer = connection.writer
        self.calls = connection.calls
        self.eventLoop = connection.channel.eventLoop
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
        let connection = try await connect(configuration, eventLoopGroup: eventLoopGroup)
        let client = RPCClient(configuration: configuration, connection: connection)
        do {
            let result: Result
            if configuration.runsBodyOnEventLoop {
                // The body then runs on the connection's event loop, where its I/O happens: a
                // call's request is written, and its caller resumed, without a thread hop.
                result = try await withTaskExecutorPreference(EventLoopTaskExecutor(client.eventLoop)) { try await body(client) }
            } else {
                result = try await body(client)
            }
            await client.close()
            return result
        } catch {
            await client.close()
            throw error
        }
    }

    /// Closes the connection; calls still open fail with `UNAVAILABLE`.
    private func close() async {
        // Before the close: the channel's end would otherwise fail them as closed by the server.
        calls.connectionEnded(RPCError(.unavailable, "connection closed by the client"))
        try? await channel.close()
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
        if let refusal = calls.register(callID, .unary(slot)) { throw refusal }
        let end: Dms_V1_Frame = try await withTaskCancellationHandler {
            // A frame that cannot be written means the connection is going down: its end (with the
            // real reason, e.g. a TLS alert) fails every pending call, this one included.
            send(requestFrame)
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
        if let refusal = calls.register(callID, .stream(continuation)) {
            continuation.finish(throwing: refusal)
        } else {
            send(requestFrame)
        }
        return ServerStreamCall(callID: callID, frames: frames, client: self)
    }

    /// Sends CANCEL for `callID` but keeps listening, so the server's END(CANCELLED) still arrives.
    func requestCancel(_ callID: UInt64) {
        if calls.isOpen(callID) { send(.cancel(callID: callID)) }
    }

    /// Writes `frame` from the connection's event loop (at once when already there).
    private func send(_ frame: Dms_V1_Frame) {
        if eventLoop.inEventLoop {
            writer.value.write(frame)
        } else {
            let writer = self.writer
            eventLoop.execute { writer.value.write(frame) }
        }
    }

    // MARK: - Call table

    private func makeRequest<Request: SwiftProtobuf.Message>(
        _ method: MethodDescriptor, _ request: Request, options: CallOptions
    ) throws -> Dms_V1_Frame {
        let metadata = options.metadata.isEmpty ? baseMetadata : baseMetadata.merging(options.metadata) { _, new in new }
        let timeoutMilliseconds = options.timeout.map {
            UInt64(max(1, $0.components.seconds * 1000 + $0.components.attoseconds / 1_000_000_000_000_000))
        } ?? 0
        let callID = calls.nextCallID()
        return .request(
            callID: callID, method: method.fullName, payload: try request.serializedData(), metadata: metadata,
            timeoutMilliseconds: timeoutMilliseconds)
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
        if calls.abandon(callID, with: error) { send(.cancel(callID: callID)) }
    }

    // MARK: - Connecting

    /// A connected channel, its tail handler, and its call table.
    private struct Connection: Sendable {
        let channel: any Channel
        let writer: NIOLoopBound<ClientFrameHandler>
        let calls: CallTable
    }

    private static func connect(
        _ configuration: Configuration, eventLoopGroup: any EventLoopGroup
    ) async throws -> Connection {
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
        let calls = CallTable()
        let connection: Connection
        do {
            connection = try await ClientBootstrap(group: loop)
                .connectTimeout(connectTimeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
                .connect(host: configuration.host, port: configuration.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(NIOSSLClientHandler(context: tlsContext, serverHostname: hostname))
                        try pipeline.addHandler(HandshakeObserver(promise: handshake))
                        let tail = ClientFrameHandler(calls: calls, maximumFrameBytes: maximumFrameBytes)
                        try pipeline.addHandler(tail)
                        return Connection(channel: channel, writer: NIOLoopBound(tail, eventLoop: channel.eventLoop), calls: calls)
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
            try? await connection.channel.close()
            throw RPCError(
                .unavailable, "TLS handshake with \(configuration.host):\(configuration.port) failed: \(describe(error))")
        }
        return connection
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
