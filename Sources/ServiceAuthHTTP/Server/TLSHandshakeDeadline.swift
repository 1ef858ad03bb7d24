import NIOCore
import NIOTLS

/// Closes a connection whose TLS handshake is not complete within the deadline, so a client
/// that opens connections and never finishes (or trickles) the handshake cannot hold them; the
/// request-head deadline starts only once there is a request to read.
final class TLSHandshakeDeadline: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias InboundOut = NIOAny

    private let timeout: TimeAmount
    private var timer = ChannelCloseTimer()

    init(timeout: Duration) {
        self.timeout = TimeAmount(timeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        timer.start(context, after: timeout)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer.cancel()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        context.fireUserInboundEventTriggered(event)
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event {
            // Pass the event on first: the protocol negotiation after this handler waits for it.
            timer.cancel()
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        }
    }
}

@available(*, unavailable)
extension TLSHandshakeDeadline: Sendable {}
