import Logging
import NIOCore
import NIOSSL
import NIOTLS

/// Closes a connection whose TLS handshake has not completed in time, so a client that connects
/// and says nothing (or speaks plaintext slowly) does not hold a socket forever.
///
/// Once the handshake completes it puts the idle timer (an `IdleStateHandler`) in its own place,
/// so that a slow handshake is judged by the handshake timeout alone, never by the idle timeout.
final class HandshakeTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    private let timeout: TimeAmount
    private let idleTimeout: TimeAmount
    private let logger: Logger
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount, idleTimeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.idleTimeout = idleTimeout
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context)
        context.fireChannelActive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted = event as? TLSUserEvent {
            timer?.cancel()
            timer = nil
            let pipeline = context.pipeline.syncOperations
            try? pipeline.addHandler(IdleStateHandler(readTimeout: idleTimeout), position: .after(self))
            pipeline.removeHandler(self, promise: nil)
        }
        context.fireUserInboundEventTriggered(event)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    private func arm(_ context: ChannelHandlerContext) {
        guard timer == nil else { return }
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        let (logger, timeout) = (self.logger, self.timeout)
        timer = context.eventLoop.scheduleTask(in: timeout) {
            let context = loopBound.value
            logger.debug(
                "closing connection: no TLS handshake within the handshake timeout",
                metadata: ["rpc.peer": "\(context.remoteAddress.map { "\($0)" } ?? "?")", "rpc.handshake_timeout": "\(timeout)"])
            context.close(promise: nil)
        }
    }
}
