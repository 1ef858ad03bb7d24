import NIOCore
import NIOHTTP2

/// Bounds the life of an HTTP/2 connection where NIO's connection manager alone would not.
///
/// Sits right before `NIOHTTP2ServerConnectionManagementHandler` and does two things:
/// - **Starts the idle timer.** The manager starts it in `channelActive`, but the server adds
///   the HTTP/2 pipeline to a connection that is already active (after ALPN, or after the h2c
///   preface), so this handler replays `channelActive` to it once. Without that, a connection
///   that never opens a stream would never be closed and could hold a `maxConnections` slot.
/// - **Bounds graceful closes.** The manager's close (idle, graceful shutdown) sends GOAWAY and
///   a PING, and finishes only once the client acknowledges the PING; a client that never does
///   would keep the connection forever. From the first GOAWAY the manager sends, the
///   connection is closed at the latest after `gracefulCloseTimeout`.
final class HTTP2ConnectionLifetime: ChannelDuplexHandler {
    typealias InboundIn = HTTP2Frame
    typealias InboundOut = HTTP2Frame
    typealias OutboundIn = HTTP2Frame
    typealias OutboundOut = HTTP2Frame

    private let gracefulCloseTimeout: TimeAmount
    private var closeDeadline = ChannelCloseTimer()

    init(gracefulCloseTimeout: Duration) {
        self.gracefulCloseTimeout = TimeAmount(gracefulCloseTimeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive {
            context.fireChannelActive()
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        closeDeadline.cancel()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if !closeDeadline.isRunning, case .goAway = unwrapOutboundIn(data).payload {
            closeDeadline.start(context, after: gracefulCloseTimeout)
        }
        context.write(data, promise: promise)
    }
}

@available(*, unavailable)
extension HTTP2ConnectionLifetime: Sendable {}
