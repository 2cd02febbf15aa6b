import DMSProto
import DMSWire
import NIOCore
import NIOSSL

/// The tail of a client connection's pipeline: cuts the server's bytes into frames and hands
/// each to the call table, writes the client's frames (batched and flushed once per turn of the
/// event loop, so the requests of many calls leave in one TLS record), and fails the open calls
/// when the connection ends.
final class ClientFrameHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let calls: CallTable
    private var reader: FrameReader
    private let writer = BatchingFrameWriter()
    /// Why the connection ended, when it was an error rather than the server closing.
    private var failure: RPCError?

    init(calls: CallTable, maximumFrameBytes: Int) {
        self.calls = calls
        self.reader = FrameReader(maximumFrameBytes: maximumFrameBytes)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        writer.attach(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        writer.detach()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard failure == nil else { return }
        do {
            try reader.read(unwrapInboundIn(data)) { frame in
                calls.receive(frame)
                return true
            }
        } catch {
            failure = RPCError(.internal, "server sent a bad frame: \(error)")
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if failure == nil {
            failure =
                switch error {
                case let error as NIOSSLError: RPCError(.unavailable, "TLS failed: \(describeTLSFailure(error))")
                default: RPCError(.unavailable, "connection lost: \(describe(error))")
                }
        }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        calls.connectionEnded(failure ?? RPCError(.unavailable, "connection closed by the server"))
        context.fireChannelInactive()
    }

    /// Writes `frame` in the connection's batch (see ``BatchingFrameWriter``). A frame written
    /// after the connection closed is dropped: its call has been failed already.
    func write(_ frame: Dms_V1_Frame) {
        do {
            try writer.write(frame)
        } catch {
            _ = calls.abandon(frame.callID, with: RPCError(.internal, "cannot encode the frame: \(error)"))
        }
    }
}
