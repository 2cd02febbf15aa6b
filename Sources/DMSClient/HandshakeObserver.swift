import NIOCore
import NIOSSL
import NIOTLS

/// Completes a promise when the TLS handshake succeeds, or fails it with the reason it did not.
final class HandshakeObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let promise: EventLoopPromise<Void>

    init(promise: EventLoopPromise<Void>) { self.promise = promise }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            promise.succeed()
            context.pipeline.syncOperations.removeHandler(self, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(ConnectionClosedDuringHandshake())
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        promise.fail(ConnectionClosedDuringHandshake())
    }
}

/// The server hung up before TLS was established (often: it does not speak TLS).
struct ConnectionClosedDuringHandshake: Error, CustomStringConvertible {
    var description: String { "the server closed the connection during the TLS handshake" }
}
