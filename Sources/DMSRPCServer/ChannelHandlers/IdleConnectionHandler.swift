import DMSProto
import DMSWire
import Logging
import NIOCore

/// Closes a connection that has no call in flight and has been silent for the idle timeout.
///
/// It sits between the frame codec and the application, counts calls opened (REQUEST in) and ended
/// (END out), and acts on the `IdleStateEvent` of an `IdleStateHandler` placed before the decoder
/// (so keep-alive frames, which never reach here, still count as traffic).
final class IdleConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = Dms_V1_Frame
    typealias InboundOut = Dms_V1_Frame
    typealias OutboundIn = Dms_V1_Frame
    typealias OutboundOut = Dms_V1_Frame

    private var openCalls = 0
    private let logger: Logger

    init(logger: Logger) {
        self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if unwrapInboundIn(data).type == .request { openCalls += 1 }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let frame = unwrapOutboundIn(data)
        if frame.type == .end, frame.callID != 0 { openCalls = max(0, openCalls - 1) }
        context.write(data, promise: promise)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            if openCalls == 0 {
                logger.debug(
                    "closing idle connection", metadata: ["rpc.peer": "\(context.remoteAddress.map { "\($0)" } ?? "?")"])
                context.writeAndFlush(wrapOutboundOut(.goAway)).whenComplete { _ in }
                context.close(promise: nil)
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }
}
