import DMSProto
import DMSWire
import NIOCore
import NIOSSL

/// The tail of a client connection's pipeline: hands every frame from the server to the call
/// table, writes the client's frames (flushed once per turn of the event loop, so the requests
/// of many calls leave in one TLS record), and fails the open calls when the connection ends.
final class ClientFrameHandler: ChannelInboundHandler {
    typealias InboundIn = Dms_V1_Frame
    typealias OutboundOut = Dms_V1_Frame

    private let calls: CallTable
    private var context: ChannelHandlerContext?
    private var flushScheduled = false
    /// Why the connection ended, when it was an error rather than the server closing.
    private var failure: RPCError?

    init(calls: CallTable) {
        self.calls = calls
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        calls.receive(unwrapInboundIn(data))
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if failure == nil {
            failure =
                switch error {
                case let error as FrameError: RPCError(.internal, "server sent a bad frame: \(error)")
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

    /// Writes `frame`; the flush follows at the end of this turn of the event loop. A frame
    /// written after the connection closed is dropped: its call has been failed already.
    func write(_ frame: Dms_V1_Frame) {
        guard let context, context.channel.isActive else { return }
        context.write(wrapOutboundOut(frame), promise: nil)
        guard !flushScheduled else { return }
        flushScheduled = true
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.execute {
            let handler = bound.value
            handler.flushScheduled = false
            handler.context?.flush()
        }
    }
}
