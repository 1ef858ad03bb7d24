import NIOCore
import NIOHTTPTypes

/// The body-progress deadline (``HTTPServerConfiguration/bodyReadTimeout``) of one HTTP/2
/// stream: a stream whose request has not ended and that sends nothing for that long is reset,
/// so a client cannot hold a handler waiting on a body it never sends.
///
/// The head of an HTTP/2 request arrives whole (NIO bounds CONTINUATION frames), so only the
/// body needs a deadline. The server consumes stream bodies as they arrive (bounded by
/// ``HTTPServerConfiguration/maxBodyBytes``), so flow control never stalls the client on the
/// server's account and the clock measures the client alone.
final class HTTP2StreamBodyDeadline: ChannelInboundHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private let timeout: TimeAmount
    private var timer = ChannelCloseTimer()
    private var ended = false

    init(timeout: Duration) {
        self.timeout = TimeAmount(timeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        arm(context)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer.cancel()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .end:
            ended = true
            timer.cancel()
        case .body(let bytes) where bytes.readableBytes > 0:
            arm(context)
        case .head, .body:
            // Empty DATA frames are framing, not progress.
            break
        }
        context.fireChannelRead(data)
    }

    private func arm(_ context: ChannelHandlerContext) {
        if ended {
            timer.cancel()
        } else {
            timer.start(context, after: timeout)
        }
    }
}

@available(*, unavailable)
extension HTTP2StreamBodyDeadline: Sendable {}
