import DMSAPI
import DMSClient
import DMSProto
import DMSWire
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Finds the exact encoded REQUEST frame the DMS client sends for a Health call: a throw-away TLS
/// server speaking the DMS framing catches the first REQUEST of a real `RPCClient` and answers it.
enum FrameProbe {
    /// The REQUEST frame `RPCClient` sends for `Health` with `token`.
    static func captureHealthRequest(tls: BenchTLS, token: String?) async throws -> Dms_V1_Frame {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("dms-bench-probe-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let caFile = "\(directory)/ca.pem"
        try Data(tls.caPEM.utf8).write(to: URL(fileURLWithPath: caFile))

        let group = MultiThreadedEventLoopGroup.singleton
        let captured = group.next().makePromise(of: Dms_V1_Frame.self)
        let serverContext = tls.server
        let listener = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let pipeline = channel.pipeline.syncOperations
                    try pipeline.addHandler(NIOSSLServerHandler(context: serverContext))
                    try pipeline.addHandler(ByteToMessageHandler(FrameDecoder()))
                    try pipeline.addHandler(MessageToByteHandler(FrameEncoder()))
                    try pipeline.addHandler(ProbeHandler(captured: captured))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        do {
            let configuration = RPCClient.Configuration(
                host: "127.0.0.1", port: listener.localAddress?.port ?? 0, caFile: caFile, token: token)
            _ = try await RPCClient.withConnection(configuration) { client in
                try await client.unary(API.HealthService.health, Dms_V1_HealthRequest())
            }
        } catch {
            captured.fail(error)
            try? await listener.close()
            throw error
        }
        try? await listener.close()
        return try await captured.futureResult.get()
    }

    /// The bytes `frame` takes on the wire: the 4-byte prefix and its serialization.
    static func wireSize(_ frame: Dms_V1_Frame) throws -> Int {
        var buffer = ByteBufferAllocator().buffer(capacity: 256)
        try FrameEncoder.encode(frame, into: &buffer)
        return buffer.readableBytes
    }
}

/// Keeps the first REQUEST and answers every REQUEST with an empty END OK.
private final class ProbeHandler: ChannelInboundHandler {
    typealias InboundIn = Dms_V1_Frame
    typealias OutboundOut = Dms_V1_Frame

    private let captured: EventLoopPromise<Dms_V1_Frame>
    private var done = false

    init(captured: EventLoopPromise<Dms_V1_Frame>) { self.captured = captured }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        guard frame.type == .request else { return }
        if !done {
            done = true
            captured.succeed(frame)
        }
        context.writeAndFlush(wrapOutboundOut(.end(callID: frame.callID)), promise: nil)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if !done {
            done = true
            captured.fail(error)
        }
        context.close(promise: nil)
    }
}
